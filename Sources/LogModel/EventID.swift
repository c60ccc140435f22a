import Synchronization

/// Event identifiers: the idempotency key that becomes `_id` in MongoDB and Elasticsearch.
public enum EventID {
    /// The longest client-chosen id accepted (contract: at most 64 characters).
    public static let maximumClientIDLength = 64

    /// Whether `id` may be used as a client-chosen event id: 1 to 64 characters of
    /// `[A-Za-z0-9_-]` (a UUID, a ULID, or similar). Anything else could break an index path or
    /// a URL in the stores, so it is rejected rather than rewritten.
    public static func isValidClientID(_ id: String) -> Bool {
        let utf8 = id.utf8
        guard !utf8.isEmpty, utf8.count <= maximumClientIDLength else { return false }
        for c in utf8 {
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                continue
            default:
                return false
            }
        }
        return true
    }

    /// A new UUID version 7 (RFC 9562) in lowercase canonical form
    /// (`01936f3e-7c1a-7c3e-9b1e-2f4d5a6b7c8d`).
    ///
    /// The first 48 bits are `nowMillis`; the remaining 74 bits (12 of `rand_a`, 62 of `rand_b`)
    /// are a counter seeded randomly at each new millisecond and incremented for every further id
    /// in the same millisecond (RFC 9562 §6.2, method 3). Ids made by one process therefore sort
    /// in the order they were made, even within a millisecond and when the clock steps back (the
    /// last millisecond seen is kept until the clock passes it).
    public static func uuidV7(nowMillis: Int64 = WallClock.nowMicros() / 1000) -> String {
        let (millis, high, low) = generator.withLock { $0.next(nowMillis: nowMillis) }
        return format(millis: millis, randA: high, randB: low)
    }

    private static let generator = Mutex(UUIDv7Generator())

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func format(millis: UInt64, randA: UInt64, randB: UInt64) -> String {
        // 128 bits: 48 ms | 4 version (7) | 12 rand_a | 2 variant (10) | 62 rand_b.
        let hi = (millis & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (randA & 0xFFF)
        let lo = 0x8000_0000_0000_0000 | (randB & 0x3FFF_FFFF_FFFF_FFFF)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var i = 0
            func put(_ value: UInt64, nibbles: Int) {
                var shift = (nibbles - 1) * 4
                while shift >= 0 {
                    buffer[i] = hexDigits[Int((value >> UInt64(shift)) & 0xF)]
                    i += 1
                    shift -= 4
                }
            }
            put(hi >> 32, nibbles: 8)
            buffer[i] = UInt8(ascii: "-"); i += 1
            put(hi >> 16 & 0xFFFF, nibbles: 4)
            buffer[i] = UInt8(ascii: "-"); i += 1
            put(hi & 0xFFFF, nibbles: 4)
            buffer[i] = UInt8(ascii: "-"); i += 1
            put(lo >> 48, nibbles: 4)
            buffer[i] = UInt8(ascii: "-"); i += 1
            put(lo & 0xFFFF_FFFF_FFFF, nibbles: 12)
            return 36
        }
    }
}
