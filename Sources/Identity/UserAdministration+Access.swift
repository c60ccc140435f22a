import Foundation
import ClientPostgres

/// Lock-outs, sessions and tokens, each change audited.
extension UserAdministration {
    /// Lifts a lock-out (and clears the failure count) for the e-mail; true when it was locked.
    @discardableResult
    public func unlock(email: String, by context: AuditContext) async throws -> Bool {
        let key = EmailAddress.lookupKey(email)
        return try await database.transaction { connection in
            let wasLocked = try await self.throttle.unlock(email: key, on: connection)
            _ = try await self.audit.record(.lockoutLifted, context: context, target: key,
                                            details: ["was_locked": wasLocked ? "true" : "false"], on: connection)
            return wasLocked
        }
    }

    /// Ends a session by id (an admin, or its owner from their sessions list when `ownedBy` is given).
    public func revokeSession(id: Int64, ownedBy userID: Int64? = nil, by context: AuditContext) async throws -> StaffSession {
        try await database.transaction { connection in
            guard let session = try await self.sessions.end(id: id, userID: userID, on: connection) else {
                throw AccountError.unknownSession(id)
            }
            let owner = try await self.users.user(id: session.userID, on: connection)
            _ = try await self.audit.record(.sessionRevoked, context: context, target: owner?.email ?? "", details: [
                "user_id": String(session.userID), "session_id": String(id),
            ], on: connection)
            return session
        }
    }

    /// Creates a personal API token for the user; `scopes` nil = all the user's permissions now.
    /// Returns the secret once (`dmp_pat_...`).
    public func createPersonalToken(userID: Int64, name: String = "", scopes: Set<Permission>? = nil, expiresAt: Date? = nil,
                                    by context: AuditContext) async throws -> (token: PersonalToken, secret: String) {
        try await database.transaction { connection in
            let user = try await self.existing(userID, on: connection)
            let created = try await self.tokens.create(for: user, name: name, scopes: scopes, expiresAt: expiresAt, on: connection)
            var details = ["user_id": String(userID), "token_id": String(created.token.id),
                           "scopes": created.token.scopes.sorted().map(\.rawValue).joined(separator: ",")]
            if let expiresAt { details["expires_at"] = ISO8601DateFormatter().string(from: expiresAt) }
            _ = try await self.audit.record(.personalTokenCreated, context: context, target: created.token.prefix, details: details,
                                            on: connection)
            return created
        }
    }

    /// Revokes a personal token (only `ownedBy`'s when given, for self-service).
    public func revokePersonalToken(id: Int64, ownedBy userID: Int64? = nil, by context: AuditContext) async throws -> PersonalToken {
        try await database.transaction { connection in
            guard let token = try await self.tokens.revoke(id: id, userID: userID, on: connection) else {
                throw AccountError.unknownToken(id)
            }
            _ = try await self.audit.record(.personalTokenRevoked, context: context, target: token.prefix, details: [
                "user_id": String(token.userID), "token_id": String(id),
            ], on: connection)
            return token
        }
    }

    /// Records the creation of an ingest token (the tokens themselves live in `IngestTokenStore`).
    public func recordIngestTokenCreated(_ token: IngestToken, by context: AuditContext) async throws {
        try await audit.record(.ingestTokenCreated, context: context, target: token.prefix, details: [
            "token_id": String(token.id), "service": token.service, "scopes": token.scopes.joined(separator: ","),
        ])
    }

    public func recordIngestTokenRevoked(_ token: IngestToken, by context: AuditContext) async throws {
        try await audit.record(.ingestTokenRevoked, context: context, target: token.prefix, details: [
            "token_id": String(token.id), "service": token.service,
        ])
    }
}
