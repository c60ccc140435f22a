/// Capped exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and
/// Jitter"; Vector's default `retry_jitter_mode: Full`): the n-th wait is uniform in
/// `(0, min(cap, initial * 2^n)]`, so many hub nodes retrying a recovering store do not arrive in
/// lockstep. A server's own hint (`Retry-After`) wins over the computed value, capped at `maximum`.
public struct RetryPolicy: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1).
    public func backoff(afterAttempt attempt: Int, serverHintSeconds: Double? = nil) -> Backoff {
        if let hint = serverHintSeconds, hint > 0 {
            return .exactly(min(.milliseconds(Int64(hint * 1000)), maximum))
        }
        let exponent = min(max(attempt - 1, 0), 30)
        return .upTo(min(initial * (1 << exponent), maximum))
    }

    /// The slow, steady pace for what only an operator can fix: no point in trying faster.
    public var slowest: Backoff { .exactly(maximum) }
}

/// How long to wait; the jitter is drawn only when the wait starts, so decisions stay deterministic.
public enum Backoff: Sendable, Equatable {
    /// Full jitter: uniform in (0, ceiling].
    case upTo(Duration)
    case exactly(Duration)

    public func duration<R: RandomNumberGenerator>(using random: inout R) -> Duration {
        switch self {
        case .exactly(let wait):
            return wait
        case .upTo(let ceiling):
            let ceilingMillis = max(Int64(ceiling / .milliseconds(1)), 1)
            return .milliseconds(Int64.random(in: 1...ceilingMillis, using: &random))
        }
    }
}
