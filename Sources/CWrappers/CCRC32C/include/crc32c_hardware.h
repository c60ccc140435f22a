// CRC-32C with the processor's own instruction (SSE 4.2 `crc32` on x86-64), for the spool's record
// checksums. Swift cannot name the instruction, so it lives here; the spool falls back to its
// software tables where the processor lacks it.
#ifndef DATAMP_CRC32C_HARDWARE_H
#define DATAMP_CRC32C_HARDWARE_H

#include <stddef.h>
#include <stdint.h>

/// 1 when `datamp_crc32c_hardware_update` may be called on this processor, else 0.
int datamp_crc32c_hardware_available(void);

/// Continues a CRC-32C over `count` bytes. `crc` is the running value already inverted (start
/// with 0xFFFFFFFF, invert the result), exactly like the software table loop it replaces.
uint32_t datamp_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t count);

#endif
