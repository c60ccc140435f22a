import HubKit
import Synchronization

/// Per-token token bucket over events (not requests): a service that sends 1,000-event batches
/// and one that sends single events are held to the same events/s. Over the limit the intake
/// answers 429 with the seconds until enough budget is back, and stores nothing of that request.
final class TokenRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updatedAt: ContinuousClock.Instant
    }
    private let eventsPerSecond: Double
    /// One second of burst on top of the steady rate.
    private let burst: Double
    private let buckets = Mutex<[Int64: Bucket]>([:])

    init(eventsPerSecond: Int) {
        self.eventsPerSecond = Double(eventsPerSecond)
        self.burst = Double(eventsPerSecond)
    }

    var isEnabled: Bool { eventsPerSecond > 0 }
    var eventsPerSecondValue: Double { eventsPerSecond }

    /// Takes `count` events from the token's budget, or returns how many seconds to wait.
    func take(_ count: Int, token: Int64, now: ContinuousClock.Instant = .now) -> Int? {
        guard isEnabled else { return nil }
        return buckets.withLock { buckets in
            var bucket = buckets[token] ?? Bucket(tokens: burst, updatedAt: now)
            let elapsed = Double((now - bucket.updatedAt) / .milliseconds(1)) / 1000
            bucket.tokens = min(burst, bucket.tokens + elapsed * eventsPerSecond)
            bucket.updatedAt = now
            let needed = Double(count)
            if bucket.tokens >= needed || (needed > burst && bucket.tokens >= burst) {
                bucket.tokens -= min(needed, burst)
                buckets[token] = bucket
                return nil
            }
            buckets[token] = bucket
            let missing = min(needed, burst) - bucket.tokens
            return max(1, Int((missing / eventsPerSecond).rounded(.up)))
        }
    }
}
