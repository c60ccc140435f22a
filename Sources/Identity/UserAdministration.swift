import ClientPostgres
import Foundation
import Logging

/// Every change to staff accounts, for the users API/page and the `admin user` commands.
///
/// Each change commits in one transaction with its security-audit row naming the actor, so there
/// is no change without a record and no record of a change that did not happen. The caller checks
/// that the actor may act (`users.manage`, or the user acting on their own account); this type
/// checks the rules that hold whoever acts: the password policy, at least one enabled admin, token
/// scopes within the owner's roles.
public final class UserAdministration: Sendable {
    let database: PostgresClient
    let users: UserStore
    let sessions: SessionStore
    let tokens: PersonalTokenStore
    let throttle: LoginThrottle
    let audit: SecurityAuditLog
    let resets: PasswordResetStore
    public let hasher: PasswordHasher
    public let policy: PasswordPolicy

    init(database: PostgresClient, users: UserStore, sessions: SessionStore, tokens: PersonalTokenStore, throttle: LoginThrottle,
         audit: SecurityAuditLog, resets: PasswordResetStore, hasher: PasswordHasher, policy: PasswordPolicy) {
        self.database = database
        self.users = users
        self.sessions = sessions
        self.tokens = tokens
        self.throttle = throttle
        self.audit = audit
        self.resets = resets
        self.hasher = hasher
        self.policy = policy
    }

    // MARK: Accounts

    /// Creates a user. With a `password` (checked against the policy) the user can sign in at once;
    /// without one, a set-password link is returned instead (`user_created` and
    /// `password_reset_link_created` are recorded).
    public func createUser(email: String, displayName: String = "", roles: Set<Role>, telegramUserID: Int64? = nil,
                           password: String?, by context: AuditContext) async throws -> CreatedUser {
        let email = try EmailAddress.normalize(email)
        guard !roles.isEmpty else { throw AccountError.noRoles }
        var hash: String?
        if let password {
            try checkPolicy(password, email: email)
            hash = try await hasher.hash(password)
        }
        return try await database.transaction { connection in
            let user = try await self.users.create(email: email, displayName: displayName, roles: roles, telegramUserID: telegramUserID,
                                                   passwordHash: hash, on: connection)
            _ = try await self.audit.record(.userCreated, context: context, target: user.email, details: [
                "user_id": String(user.id), "roles": roles.storedForm, "password": hash == nil ? "link" : "set",
            ], on: connection)
            var link: PasswordResetLink?
            if hash == nil {
                link = try await self.resets.create(userID: user.id, createdBy: context.actor.name, on: connection)
                _ = try await self.audit.record(.passwordResetLinkCreated, context: context, target: user.email,
                                                details: ["user_id": String(user.id)], on: connection)
            }
            return CreatedUser(user: user, setPasswordLink: link)
        }
    }

    /// Replaces the user's roles. Refuses to leave no enabled admin.
    public func setRoles(userID: Int64, roles: Set<Role>, by context: AuditContext) async throws -> StaffUser {
        guard !roles.isEmpty else { throw AccountError.noRoles }
        return try await changeKeepingAnAdmin { connection in
            let before = try await self.existing(userID, on: connection)
            guard let after = try await self.users.setRoles(id: userID, roles: roles, on: connection) else {
                throw AccountError.unknownUser("with id \(userID)")
            }
            _ = try await self.audit.record(.rolesChanged, context: context, target: after.email, details: [
                "user_id": String(userID), "from": before.roles.storedForm, "to": roles.storedForm,
            ], on: connection)
            return after
        }
    }

    /// Disables the user and ends all their sessions; their personal tokens stop resolving too.
    /// Refuses to disable the last enabled admin.
    public func disable(userID: Int64, by context: AuditContext) async throws -> StaffUser {
        try await changeKeepingAnAdmin { connection in
            guard let user = try await self.users.setDisabled(id: userID, true, on: connection) else {
                throw AccountError.unknownUser("with id \(userID)")
            }
            let ended = try await self.sessions.endAll(userID: userID, keeping: nil, on: connection)
            _ = try await self.audit.record(.userDisabled, context: context, target: user.email,
                                            details: ["user_id": String(userID), "sessions_ended": String(ended)], on: connection)
            return user
        }
    }

    public func enable(userID: Int64, by context: AuditContext) async throws -> StaffUser {
        try await database.transaction { connection in
            guard let user = try await self.users.setDisabled(id: userID, false, on: connection) else {
                throw AccountError.unknownUser("with id \(userID)")
            }
            _ = try await self.audit.record(.userEnabled, context: context, target: user.email,
                                            details: ["user_id": String(userID)], on: connection)
            return user
        }
    }

    /// Changes the display name and the linked Telegram user.
    public func updateProfile(userID: Int64, displayName: String, telegramUserID: Int64?, by context: AuditContext) async throws -> StaffUser {
        try await database.transaction { connection in
            let before = try await self.existing(userID, on: connection)
            guard let user = try await self.users.setProfile(id: userID, displayName: displayName, telegramUserID: telegramUserID,
                                                             on: connection) else {
                throw AccountError.unknownUser("with id \(userID)")
            }
            var details = ["user_id": String(userID)]
            if before.displayName != displayName { details["display_name"] = displayName }
            if before.telegramUserID != telegramUserID { details["telegram_user_id"] = telegramUserID.map(String.init) ?? "none" }
            _ = try await self.audit.record(.userUpdated, context: context, target: user.email, details: details, on: connection)
            return user
        }
    }

    // MARK: Helpers

    func existing(_ userID: Int64, on db: any SQLExecutor) async throws -> StaffUser {
        guard let user = try await users.user(id: userID, on: db) else { throw AccountError.unknownUser("with id \(userID)") }
        return user
    }

    /// Runs `change` in a transaction that fails with `lastAdmin` when it takes the number of enabled
    /// admins from one or more to zero. The advisory lock serialises such changes across hub nodes,
    /// so two admins demoting each other at once cannot both succeed.
    func changeKeepingAnAdmin<T: Sendable>(_ change: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await database.transaction { connection in
            _ = try await connection.query("SELECT pg_advisory_xact_lock(7264930123)", [])
            let before = try await self.users.enabledAdminCount(on: connection)
            let value = try await change(connection)
            if before > 0, try await self.users.enabledAdminCount(on: connection) == 0 { throw AccountError.lastAdmin }
            return value
        }
    }
}
