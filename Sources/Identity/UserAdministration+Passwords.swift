import ClientPostgres
import Foundation

/// Passwords and set-password links. Every change ends the user's sessions (but the one a user
/// changing their own password is using) and is audited as `password_changed` with `via`.
extension UserAdministration {
    /// Sets a user's password (an admin, or `admin user passwd`) and ends all their sessions.
    public func setPassword(userID: Int64, newPassword: String, by context: AuditContext) async throws -> StaffUser {
        guard let user = try await users.user(id: userID) else { throw AccountError.unknownUser("with id \(userID)") }
        try checkPolicy(newPassword, email: user.email)
        let hash = try await hasher.hash(newPassword)
        return try await storePassword(hash, for: userID, keepingSession: nil, via: "admin", context: context) { _ in }
    }

    /// A user changing their own password: needs the current one; ends their other sessions and keeps
    /// `keepingSession` (the one making the request).
    public func changeOwnPassword(userID: Int64, currentPassword: String, newPassword: String, keepingSession: Int64?,
                                  context: AuditContext) async throws -> StaffUser {
        guard let user = try await users.user(id: userID) else { throw AccountError.unknownUser("with id \(userID)") }
        // Someone holding a stolen session must not get unthrottled guesses at the password here.
        switch try await throttle.check(email: user.email, ip: context.clientIP) {
        case .allowed: break
        case .retryAfter(let seconds): throw AccountError.tooManyAttempts(retryAfterSeconds: seconds)
        case .locked: throw AccountError.tooManyAttempts(retryAfterSeconds: nil)
        }
        guard let stored = try await users.passwordHash(id: userID), await hasher.verify(currentPassword, against: stored) else {
            try await throttle.recordFailure(email: user.email, ip: context.clientIP)
            throw AccountError.wrongCurrentPassword
        }
        try checkPolicy(newPassword, email: user.email)
        let hash = try await hasher.hash(newPassword)
        return try await storePassword(hash, for: userID, keepingSession: keepingSession, via: "self", context: context) { _ in }
    }

    /// Makes a one-time set-password link for the user, valid for the configured lifetime (24 h by
    /// default); earlier unused links of the user stop working.
    public func createResetLink(userID: Int64, by context: AuditContext) async throws -> PasswordResetLink {
        try await database.transaction { connection in
            let user = try await self.existing(userID, on: connection)
            let link = try await self.resets.create(userID: userID, createdBy: context.actor.name, on: connection)
            _ = try await self.audit.record(.passwordResetLinkCreated, context: context, target: user.email,
                                            details: ["user_id": String(userID)], on: connection)
            return link
        }
    }

    /// The user a set-password link is for, while it is usable (for the set-password page's heading).
    public func resetLinkUser(token: String) async throws -> StaffUser? {
        guard let userID = try await resets.userID(forUsable: token) else { return nil }
        return try await users.user(id: userID)
    }

    /// Sets the password through a set-password link and uses the link up; ends the user's sessions.
    /// A password the policy refuses leaves the link usable.
    public func consumeResetLink(token: String, newPassword: String, clientIP: String, userAgent: String) async throws -> StaffUser {
        guard let userID = try await resets.userID(forUsable: token), let user = try await users.user(id: userID), !user.isDisabled else {
            throw AccountError.invalidResetLink
        }
        try checkPolicy(newPassword, email: user.email)
        let hash = try await hasher.hash(newPassword)
        let context = AuditContext.user(user, clientIP: clientIP, userAgent: userAgent)
        return try await storePassword(hash, for: userID, keepingSession: nil, via: "reset_link", context: context) { connection in
            // The link is used up in the same transaction that stores the password: a race for one link has one winner.
            guard try await self.resets.consume(token, on: connection) == userID else { throw AccountError.invalidResetLink }
        }
    }

    func storePassword(_ hash: String, for userID: Int64, keepingSession: Int64?, via: String, context: AuditContext,
                               first: @escaping @Sendable (PostgresConnection) async throws -> Void) async throws -> StaffUser {
        try await database.transaction { connection in
            try await first(connection)
            guard let user = try await self.users.setPasswordHash(id: userID, hash: hash, changed: true, on: connection) else {
                throw AccountError.unknownUser("with id \(userID)")
            }
            let ended = try await self.sessions.endAll(userID: userID, keeping: keepingSession, on: connection)
            _ = try await self.audit.record(.passwordChanged, context: context, target: user.email, details: [
                "user_id": String(userID), "via": via, "sessions_ended": String(ended),
            ], on: connection)
            return user
        }
    }

    func checkPolicy(_ password: String, email: String) throws(AccountError) {
        do { try policy.check(password, email: email) } catch { throw .weakPassword(error) }
    }
}
