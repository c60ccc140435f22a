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
    /// (`01936f3e-7c1a-7c3e-9b1e-2f4d5a6b7c8d`); ``nextUUIDv7(nowMillis:)`` without the `String`.
    public static func uuidV7(nowMillis: Int64 = WallClock.nowMicros() / 1000) -> String {
        nextUUIDv7(nowMillis: nowMillis).text
    }

    /// A new UUID version 7 (RFC 9562).
    ///
    /// The first 48 bits are `nowMillis`; the remaining 74 bits (12 of `rand_a`, 62 of `rand_b`)
    /// are a counter seeded randomly at each new millisecond and incremented for every further id
    /// in the same millisecond (RFC 9562 §6.2, method 3). Ids made by one process therefore sort
    /// in the order they were made, even within a millisecond and when the clock steps back (the
    /// last millisecond seen is kept until the clock passes it).
    public static func nextUUIDv7(nowMillis: Int64 = WallClock.nowMicros() / 1000) -> UUIDv7 {
        let (millis, high, low) = generator.withLock { $0.next(nowMillis: nowMillis) }
        return UUIDv7(millis: millis, randA: high, randB: low)
    }

    /// Up to `count` consecutive ids for `nowMillis` in one turn of the generator's lock
    /// (``UUIDv7Block``): the first id's parts and how many follow it by adding 1 to `randB`.
    static func reserveUUIDv7s(_ count: UInt64, nowMillis: Int64) -> (millis: UInt64, randA: UInt64, randB: UInt64, count: UInt64) {
        generator.withLock { $0.reserve(count, nowMillis: nowMillis) }
    }

    private static let generator = Mutex(UUIDv7Generator())

    static func format(millis: UInt64, randA: UInt64, randB: UInt64) -> String {
        UUIDv7(millis: millis, randA: randA, randB: randB).text
    }
}
