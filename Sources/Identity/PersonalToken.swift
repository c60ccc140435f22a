import Foundation

/// A staff member's personal API token as stored: the SHA-256 of the secret and a short prefix to
/// recognise it by, never the secret.
public struct PersonalToken: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var userID: Int64
    public var name: String
    /// What the token may be used for: a subset of its owner's permissions when it was made. What it
    /// actually allows is also cut down to the owner's current permissions (`StaffPrincipal`).
    public var scopes: Set<Permission>
    /// `dmp_pat_ab12cd`, safe to show.
    public var prefix: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(id: Int64, userID: Int64, name: String, scopes: Set<Permission>, prefix: String, createdAt: Date,
                expiresAt: Date?, lastUsedAt: Date?, revokedAt: Date?) {
        self.id = id
        self.userID = userID
        self.name = name
        self.scopes = scopes
        self.prefix = prefix
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }

    public func isExpired(at now: Date) -> Bool { expiresAt.map { $0 <= now } ?? false }
}
