import ClientPostgres
import Foundation
import Logging

/// The security audit (`security_audit`): logins, logouts, user, role, password and token changes.
///
/// Append-only in the database: triggers make UPDATE, DELETE and TRUNCATE on the table fail
/// (SQLSTATE 42501) whoever sends them, so no path through this application can rewrite history.
/// Rows written together with the change they record (`UserAdministration`) commit or roll back
/// with it.
public final class SecurityAuditLog: Sendable {
    let database: PostgresClient
    let clock: IdentityClock
    let logger: Logger

    public init(database: PostgresClient, clock: IdentityClock = .system, logger: Logger = Logger(label: "datamp.identity.audit")) {
        self.database = database
        self.clock = clock
        self.logger = logger
    }

    /// Appends a row and returns it. `details` must never hold a secret or a password.
    @discardableResult
    public func record(_ action: SecurityAuditAction, context: AuditContext, target: String = "",
                       details: [String: String] = [:]) async throws -> SecurityAuditEntry {
        try await record(action, context: context, target: target, details: details, on: database)
    }

    func record(_ action: SecurityAuditAction, context: AuditContext, target: String, details: [String: String],
                on db: any SQLExecutor) async throws -> SecurityAuditEntry {
        let rows = try await db.query(
            """
            INSERT INTO security_audit AS a (at, actor_user_id, actor, action, target, client_ip, user_agent, details)
            VALUES (to_timestamp($1::float8), $2::bigint, $3, $4, $5, $6, $7, $8::jsonb)
            RETURNING \(Self.columns)
            """,
            [SQLTime.parameter(clock.now()), context.actor.userID.map(String.init), String(context.actor.name.prefix(320)),
             action.rawValue, String(target.prefix(320)), String(context.clientIP.prefix(64)), String(context.userAgent.prefix(512)),
             Self.json(details)])
        guard let row = rows.first else { throw IdentityError.unexpectedDatabaseAnswer("INSERT INTO security_audit returned no row") }
        let entry = try Self.entry(from: row)
        logger.info("security audit", metadata: [
            "audit.action": "\(action.rawValue)", "audit.actor": "\(entry.actor)", "audit.target": "\(entry.target)",
            "audit.id": "\(entry.id)",
        ])
        return entry
    }

    /// One page of rows matching `filter`, newest first.
    public func list(_ filter: SecurityAuditFilter = SecurityAuditFilter()) async throws -> SecurityAuditPage {
        var conditions: [String] = []
        var parameters: [String?] = []
        func bind(_ value: String?) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        if let actor = filter.actor { conditions.append("a.actor = \(bind(actor))") }
        if let userID = filter.actorUserID { conditions.append("a.actor_user_id = \(bind(String(userID)))::bigint") }
        if !filter.actions.isEmpty {
            conditions.append("a.action = ANY (string_to_array(\(bind(filter.actions.map(\.rawValue).sorted().joined(separator: ","))), ','))")
        }
        if let target = filter.target { conditions.append("a.target = \(bind(target))") }
        if let since = filter.since { conditions.append("a.at >= to_timestamp(\(bind(SQLTime.parameter(since)))::float8)") }
        if let until = filter.until { conditions.append("a.at < to_timestamp(\(bind(SQLTime.parameter(until)))::float8)") }
        if let beforeID = filter.beforeID { conditions.append("a.id < \(bind(String(beforeID)))::bigint") }
        let limit = min(max(filter.limit, 1), SecurityAuditFilter.maximumLimit)
        let rows = try await database.query(
            """
            SELECT \(Self.columns) FROM security_audit a
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY a.id DESC LIMIT \(limit + 1)
            """,
            parameters)
        let entries = try rows.prefix(limit).map(Self.entry(from:))
        return SecurityAuditPage(entries: entries, nextBeforeID: rows.count > limit ? entries.last?.id : nil)
    }

    // MARK: Rows

    static let columns = [
        "a.id", SQLTime.select("a.at", as: "at"), "a.actor_user_id", "a.actor", "a.action", "a.target", "a.client_ip",
        "a.user_agent", "a.details::text AS details",
    ].joined(separator: ", ")

    static func entry(from row: PostgresRow) throws -> SecurityAuditEntry {
        guard let id = try row.int64("id"), let at = try row.date("at") else {
            throw IdentityError.unexpectedDatabaseAnswer("a security_audit row without id or time")
        }
        return SecurityAuditEntry(
            id: id, at: at, actorUserID: try row.int64("actor_user_id"), actor: try row.string("actor") ?? "",
            action: try row.string("action") ?? "", target: try row.string("target") ?? "",
            clientIP: try row.string("client_ip") ?? "", userAgent: try row.string("user_agent") ?? "",
            details: details(from: try row.string("details")))
    }

    static func json(_ details: [String: String]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: details, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Values that are not strings (rows written by other tools) are kept in their JSON text.
    static func details(from text: String?) -> [String: String] {
        guard let text, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        return object.mapValues { value in
            if let string = value as? String { return string }
            if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) {
                return String(decoding: data, as: UTF8.self)
            }
            return "\(value)"
        }
    }
}
