/// Whether a login attempt may be checked now.
public enum ThrottleDecision: Sendable, Equatable {
    case allowed
    /// Too many recent failures for this account or address: answer 429 with `Retry-After: seconds`.
    case retryAfter(seconds: Int)
    /// Too many failures in a row for this account: only an admin can unlock it.
    case locked
}
