import Foundation

/// A staff account as the application sees it. The password hash is deliberately not here: it
/// never travels further than the credential check, so it cannot end up in a JSON answer or a log.
public struct StaffUser: Sendable, Equatable, Identifiable {
    public var id: Int64
    /// Lowercased; unique regardless of case.
    public var email: String
    public var displayName: String
    /// One or more roles, as stored now (re-read on every request by the session and token checks).
    public var roles: Set<Role>
    /// The Telegram user allowed to press this person's alert buttons, when linked.
    public var telegramUserID: Int64?
    public var isDisabled: Bool
    /// False until a password is set (a user created with a set-password link cannot sign in yet).
    public var hasPassword: Bool
    public var passwordChangedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64, email: String, displayName: String, roles: Set<Role>, telegramUserID: Int64?,
                isDisabled: Bool, hasPassword: Bool, passwordChangedAt: Date?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.roles = roles
        self.telegramUserID = telegramUserID
        self.isDisabled = isDisabled
        self.hasPassword = hasPassword
        self.passwordChangedAt = passwordChangedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Everything the user's roles allow (empty when disabled).
    public var permissions: Set<Permission> { isDisabled ? [] : roles.permissions }

    /// True when the user is enabled and one of their roles grants `permission`.
    public func allows(_ permission: Permission) -> Bool { !isDisabled && roles.allows(permission) }
}
