#include "crc32c_hardware.h"

#include <string.h>

#if defined(__x86_64__)
#include <pthread.h>
#include <nmmintrin.h>

// The `crc32` instruction takes 3 cycles and the processor can start one every cycle, so a single
// chain of dependent instructions (each needs the previous CRC) uses a third of it. Longer inputs
// are cut into blocks of three equal streams whose CRCs run side by side and are then joined:
// appending n bytes to a CRC state `s` gives shift_n(s) ^ crc_from_zero(bytes), because the
// instruction (without the caller's inversions) is linear in the state and the data together;
// shift_n(s), the state after n zero bytes, is itself linear in s and so four table look-ups, one
// per byte of s. A spool record (~600 bytes) takes three short blocks, a large buffer long ones.
enum { SHORT_STREAM = 64, LONG_STREAM = 256 };

// shift_*[k][b]: the state after STREAM zero bytes from the state b << 8k.
static uint32_t shift_short[4][256];
static uint32_t shift_long[4][256];

__attribute__((target("sse4.2")))
static uint32_t after_zeros(uint32_t state, size_t count) {
    uint64_t c = state;
    for (size_t i = 0; i < count; i += 8) c = _mm_crc32_u64(c, 0);
    return (uint32_t)c;
}

__attribute__((target("sse4.2")))
static void fill_shift_table(uint32_t table[4][256], size_t count) {
    for (int k = 0; k < 4; k++) {
        for (uint32_t b = 0; b < 256; b++) table[k][b] = after_zeros(b << (8 * k), count);
    }
}

static inline uint32_t shift(const uint32_t table[4][256], uint32_t state) {
    return table[0][state & 0xFF] ^ table[1][(state >> 8) & 0xFF] ^ table[2][(state >> 16) & 0xFF] ^ table[3][state >> 24];
}

static inline uint64_t load64(const unsigned char *p) {
    uint64_t word;
    memcpy(&word, p, 8);  // unaligned load without undefined behaviour
    return word;
}

// Three streams of `stream` bytes from `p`, the first continuing `state`; the state after all three.
__attribute__((target("sse4.2"), always_inline))
static inline uint32_t three_streams(uint32_t state, const unsigned char *p, size_t stream, const uint32_t table[4][256]) {
    uint64_t a = state, b = 0, c = 0;
    for (size_t i = 0; i < stream; i += 8) {
        a = _mm_crc32_u64(a, load64(p + i));
        b = _mm_crc32_u64(b, load64(p + stream + i));
        c = _mm_crc32_u64(c, load64(p + 2 * stream + i));
    }
    uint32_t joined = shift(table, (uint32_t)a) ^ (uint32_t)b;
    return shift(table, joined) ^ (uint32_t)c;
}

static void fill_shift_tables(void) {
    fill_shift_table(shift_short, SHORT_STREAM);
    fill_shift_table(shift_long, LONG_STREAM);
}

int datamp_crc32c_hardware_available(void) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("sse4.2")) return 0;
    // The Swift side asks before its first update, so the tables are filled by then.
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, fill_shift_tables);
    return 1;
}

__attribute__((target("sse4.2")))
uint32_t datamp_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t count) {
    const unsigned char *p = bytes;
    uint32_t state = crc;
    while (count >= 3 * LONG_STREAM) {
        state = three_streams(state, p, LONG_STREAM, shift_long);
        p += 3 * LONG_STREAM;
        count -= 3 * LONG_STREAM;
    }
    while (count >= 3 * SHORT_STREAM) {
        state = three_streams(state, p, SHORT_STREAM, shift_short);
        p += 3 * SHORT_STREAM;
        count -= 3 * SHORT_STREAM;
    }
    uint64_t c = state;
    while (count >= 8) {
        c = _mm_crc32_u64(c, load64(p));
        p += 8;
        count -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (count > 0) {
        c32 = _mm_crc32_u8(c32, *p);
        p += 1;
        count -= 1;
    }
    return c32;
}

#else

int datamp_crc32c_hardware_available(void) { return 0; }

uint32_t datamp_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t count) {
    (void)bytes;
    (void)count;
    return crc;  // never called: the Swift side checks availability first
}

#endif
