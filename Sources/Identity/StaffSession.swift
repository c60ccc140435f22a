import Foundation

/// A server-side session as stored. The secret (the cookie's value) is not here: the database keeps
/// only its SHA-256, and the secret exists only in the browser and in `StartedSession`.
public struct StaffSession: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var userID: Int64
    /// Compare with `CSRFToken.matches`.
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
    /// When the session ends if not used again: the earlier of the idle and the absolute limit.
    public var expiresAt: Date
    public var clientIP: String
    public var userAgent: String

    public init(id: Int64, userID: Int64, csrfToken: String, createdAt: Date, lastSeenAt: Date, expiresAt: Date,
                clientIP: String, userAgent: String) {
        self.id = id
        self.userID = userID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
        self.clientIP = clientIP
        self.userAgent = userAgent
    }
}
