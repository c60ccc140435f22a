import Foundation

/// A one-time set-password link's secret, shown once to whoever creates it (the admin page or the
/// CLI prints it as part of a URL). The database keeps only its SHA-256.
public struct PasswordResetLink: Sendable, Equatable {
    /// Goes into the link; usable once, until `expiresAt`.
    public let token: String
    public let userID: Int64
    public let expiresAt: Date
}
