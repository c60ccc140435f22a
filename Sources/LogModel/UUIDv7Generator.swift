/// The per-process state behind ``EventID/uuidV7(nowMillis:)``.
struct UUIDv7Generator: Sendable {
    private var lastMillis: UInt64 = 0
    private var randA: UInt64 = 0  // 12 bits
    private var randB: UInt64 = 0  // 62 bits
    private var rng = SystemRandomNumberGenerator()

    private static let randBMask: UInt64 = 0x3FFF_FFFF_FFFF_FFFF

    init() {}

    /// A generator whose counter is at a given place (tests of its edges).
    init(lastMillis: UInt64, randA: UInt64, randB: UInt64) {
        self.lastMillis = lastMillis
        self.randA = randA
        self.randB = randB
    }

    mutating func next(nowMillis: Int64) -> (millis: UInt64, randA: UInt64, randB: UInt64) {
        let now = UInt64(max(nowMillis, 0))
        if now > lastMillis {
            lastMillis = now
            // The top bit of rand_a starts clear so a millisecond has room for 2^73 increments.
            randA = rng.next() & 0x7FF
            randB = rng.next() & Self.randBMask
        } else if randB < Self.randBMask {
            randB += 1
        } else if randA < 0xFFF {
            randA += 1
            randB = 0
        } else {
            // Counter exhausted (practically unreachable): borrow the next millisecond.
            lastMillis += 1
            randA = rng.next() & 0x7FF
            randB = rng.next() & Self.randBMask
        }
        return (lastMillis, randA, randB)
    }

    /// The next id, as ``next(nowMillis:)``, and the counter moved on past up to `count - 1` more
    /// that the caller makes by adding 1 to `randB`: as many as fit before `randB` would carry
    /// (at least the one; a fresh millisecond starts `randB` below 2^62, so nearly always all).
    mutating func reserve(_ count: UInt64, nowMillis: Int64) -> (millis: UInt64, randA: UInt64, randB: UInt64, count: UInt64) {
        let first = next(nowMillis: nowMillis)
        let room = Self.randBMask - first.randB
        let reserved = min(count, room &+ 1)
        randB = first.randB + (reserved - 1)
        return (first.millis, first.randA, first.randB, reserved)
    }
}
