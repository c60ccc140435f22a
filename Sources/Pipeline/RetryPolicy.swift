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
    public func delay(afterAttempt attempt: Int, serverHintSeconds: Double? = nil) -> Duration {
        if let hint = serverHintSeconds, hint > 0 {
            return min(.milliseconds(Int64(hint * 1000)), maximum)
        }
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(initial * (1 << exponent), maximum)
        let ceilingMillis = max(Int64(ceiling / .milliseconds(1)), 1)
        return .milliseconds(Int64.random(in: 1...ceilingMillis))
    }
}
