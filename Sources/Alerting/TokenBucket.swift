/// A token bucket: `capacity` tokens, refilled at `perSecond`; times in milliseconds.
public struct TokenBucket: Sendable, Equatable {
    public let capacity: Double
    public let perSecond: Double
    var tokens: Double
    var updatedAt: Int64

    public init(capacity: Double, perSecond: Double, now: Int64) {
        self.capacity = capacity
        self.perSecond = perSecond
        tokens = capacity
        updatedAt = now
    }

    mutating func refill(_ now: Int64) {
        guard now > updatedAt else { return }
        tokens = min(capacity, tokens + Double(now - updatedAt) / 1000 * perSecond)
        updatedAt = now
    }

    /// Milliseconds until one token is there (0 = now).
    public mutating func wait(now: Int64) -> Int64 {
        refill(now)
        if tokens >= 1 { return 0 }
        return Int64(((1 - tokens) / perSecond * 1000).rounded(.up))
    }

    /// Takes one token; call only when `wait` said 0.
    public mutating func take(now: Int64) {
        refill(now)
        tokens -= 1
    }
}
