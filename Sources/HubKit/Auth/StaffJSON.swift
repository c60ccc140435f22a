import Foundation
public import Identity
public import LogModel
import HTTPTypes

/// The JSON shapes of the staff API. Never a password hash or a secret, except the one-time
/// secret fields that creation answers add explicitly.
public enum StaffJSON {
    public static func time(_ date: Date?) -> JSONValue {
        date.map { .string($0.ISO8601Format()) } ?? .null
    }

    public static func user(_ user: StaffUser) -> JSONValue {
        [
            "id": .int(user.id), "email": .string(user.email), "display_name": .string(user.displayName),
            "roles": .array(user.roles.sorted().map { .string($0.rawValue) }),
            "permissions": .array(user.permissions.sorted().map { .string($0.rawValue) }),
            "telegram_user_id": user.telegramUserID.map(JSONValue.int) ?? .null,
            "disabled": .bool(user.isDisabled), "has_password": .bool(user.hasPassword),
            "password_changed_at": time(user.passwordChangedAt), "created_at": time(user.createdAt), "updated_at": time(user.updatedAt),
        ]
    }

    public static func personalToken(_ token: PersonalToken) -> JSONValue {
        [
            "id": .int(token.id), "name": .string(token.name), "prefix": .string(token.prefix),
            "scopes": .array(token.scopes.sorted().map { .string($0.rawValue) }),
            "created_at": time(token.createdAt), "expires_at": time(token.expiresAt), "last_used_at": time(token.lastUsedAt),
            "revoked_at": time(token.revokedAt),
        ]
    }

    public static func ingestToken(_ token: IngestToken) -> JSONValue {
        [
            "id": .int(token.id), "service": .string(token.service), "scopes": .array(token.scopes.map(JSONValue.string)),
            "description": .string(token.description), "prefix": .string(token.prefix), "created_at": .string(token.createdAt),
            "revoked_at": token.revokedAt.map(JSONValue.string) ?? .null,
        ]
    }

    public static func auditEntry(_ entry: SecurityAuditEntry) -> JSONValue {
        var details = JSONObject()
        for key in entry.details.keys.sorted() { details[key] = .string(entry.details[key] ?? "") }
        return [
            "id": .int(entry.id), "at": time(entry.at), "actor": .string(entry.actor),
            "actor_user_id": entry.actorUserID.map(JSONValue.int) ?? .null, "action": .string(entry.action),
            "target": .string(entry.target), "client_ip": .string(entry.clientIP), "user_agent": .string(entry.userAgent),
            "details": .object(details),
        ]
    }

    /// Parses role names; a `Refusal` (400) naming the unknown one.
    public static func roles(_ names: [String]) throws -> Set<Role> {
        try Set(names.filter { !$0.isEmpty }.map { name in
            guard let role = Role(name: name) else {
                throw Refusal.json(.badRequest, "unknown_role", AccountError.unknownRole(name).description)
            }
            return role
        })
    }

    public static func permissions(_ names: [String]) throws -> Set<Permission> {
        try Set(names.filter { !$0.isEmpty }.map { name in
            guard let permission = Permission(name: name) else {
                throw Refusal.json(.badRequest, "unknown_permission", AccountError.unknownPermission(name).description)
            }
            return permission
        })
    }
}
