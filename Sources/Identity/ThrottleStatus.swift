import Foundation

/// The throttle state of one account, for the users page and `admin user list`.
public struct ThrottleStatus: Sendable, Equatable {
    /// The account's e-mail as typed at login (lowercased), whether or not such a user exists.
    public var email: String
    public var failures: Int
    public var lastFailureAt: Date?
    public var blockedUntil: Date?
    public var isLocked: Bool
}
