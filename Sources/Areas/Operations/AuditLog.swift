import ClientPostgres
import Foundation
import LogModel
import Operations

/// Appends to and reads `operations_audit`. Appends happen inside the caller's transaction (with the
/// state change they record) under one transaction-level advisory lock, so that on any number of hub
/// nodes each row is chained to the true last row and the chain never forks.
struct AuditLog: Sendable {
    let database: PostgresClient

    /// Same key on every node; distinct from the migrator's.
    static let lockKey = "5110020001"

    /// What the caller knows of a new row; id, time and hashes are filled in here.
    struct Draft: Sendable {
        var operationID: Int64?
        var event: String
        var actor: OperationActor
        var shopID: String?
        var operation: String
        var parameters: String
        var approver: String? = nil
        var comment: String? = nil
        var coreStatus: Int? = nil
        var coreAnswer: String? = nil
    }

    @discardableResult
    static func append(_ draft: Draft, on connection: PostgresConnection) async throws -> AuditRecord {
        _ = try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", [])
        // After the lock (a separate statement, so it is surely held first): the last hash, the new id, the time.
        let next = try await connection.query("""
            SELECT (SELECT hash FROM operations_audit ORDER BY id DESC LIMIT 1) AS hash, nextval('operations_audit_id_seq') AS id,
                   (extract(epoch from clock_timestamp()) * 1000000)::bigint AS at
            """, [])
        let previous = try next.first?.string("hash") ?? AuditChain.genesis
        let id = Int64(try next.first?.int("id") ?? 0)
        let at = Int64(try next.first?.int("at") ?? 0)
        let record = AuditChain.sealed(AuditRecord(
            id: id, atMicros: at, operationID: draft.operationID, event: draft.event, actorID: draft.actor.id, actor: draft.actor.name,
            shopID: draft.shopID, operation: draft.operation, parameters: draft.parameters, approver: draft.approver, comment: draft.comment,
            coreStatus: draft.coreStatus, coreAnswer: draft.coreAnswer), after: previous)
        _ = try await connection.query("""
            INSERT INTO operations_audit (id, at_micros, operation_id, event, actor_id, actor, shop_id, operation, parameters, approver,
                                          comment, core_status, core_answer, previous_hash, hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            """, [String(record.id), String(record.atMicros), record.operationID.map(String.init), record.event, record.actorID.map(String.init),
                  record.actor, record.shopID, record.operation, record.parameters, record.approver, record.comment,
                  record.coreStatus.map(String.init), record.coreAnswer, record.previousHash, record.hash])
        return record
    }

    /// A row as stored.
    static func record(_ row: PostgresRow) throws -> AuditRecord {
        AuditRecord(
            id: Int64(try row.int("id") ?? 0), atMicros: Int64(try row.int("at_micros") ?? 0), operationID: try row.int("operation_id").map(Int64.init),
            event: try row.string("event") ?? "", actorID: try row.int("actor_id").map(Int64.init), actor: try row.string("actor") ?? "",
            shopID: try row.string("shop_id"), operation: try row.string("operation") ?? "", parameters: try row.string("parameters") ?? "",
            approver: try row.string("approver"), comment: try row.string("comment"), coreStatus: try row.int("core_status"),
            coreAnswer: try row.string("core_answer"), previousHash: try row.string("previous_hash") ?? "", hash: try row.string("hash") ?? "")
    }

    static let columns = "id, at_micros, operation_id, event, actor_id, actor, shop_id, operation, parameters, approver, comment, core_status, core_answer, previous_hash, hash"

    struct Filter: Sendable {
        var shopID: String?
        var actor: String?
        var sinceMicros: Int64?
        var beforeID: Int64?
        var limit = 200
    }

    /// Newest first.
    func list(_ filter: Filter) async throws -> [AuditRecord] {
        var conditions: [String] = []
        var parameters: [String?] = []
        func add(_ sql: String, _ value: String) {
            parameters.append(value)
            conditions.append(sql.replacingOccurrences(of: "$?", with: "$\(parameters.count)"))
        }
        if let shop = filter.shopID { add("shop_id = $?", shop) }
        if let actor = filter.actor { add("actor = $?", actor) }
        if let since = filter.sinceMicros { add("at_micros >= $?", String(since)) }
        if let before = filter.beforeID { add("id < $?", String(before)) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try await database.query("SELECT \(Self.columns) FROM operations_audit \(whereClause) ORDER BY id DESC LIMIT \(filter.limit)", parameters)
        return try rows.map(Self.record)
    }

    /// Walks the whole chain in id order, a page at a time; the first break, or the count of good rows.
    func verify() async throws -> (count: Int, problem: AuditChain.Break?) {
        var walker = AuditChain.Walker()
        var after: Int64 = 0
        while true {
            let rows = try await database.query("SELECT \(Self.columns) FROM operations_audit WHERE id > $1 ORDER BY id LIMIT 1000", [String(after)])
            if rows.isEmpty { return (walker.count, nil) }
            for row in rows {
                let record = try Self.record(row)
                if let problem = walker.check(record) { return (walker.count, problem) }
                after = record.id
            }
        }
    }

    static func json(_ record: AuditRecord) -> JSONValue {
        let at = Date(timeIntervalSince1970: Double(record.atMicros) / 1_000_000)
        return [
            "id": .int(record.id), "at": .string(at.formatted(.iso8601)), "operation_id": record.operationID.map(JSONValue.int) ?? .null,
            "event": .string(record.event), "actor": .string(record.actor), "actor_id": record.actorID.map(JSONValue.int) ?? .null,
            "shop_id": record.shopID.map(JSONValue.string) ?? .null, "operation": .string(record.operation),
            "params": (try? JSONParser.parse(record.parameters)) ?? .string(record.parameters),
            "approver": record.approver.map(JSONValue.string) ?? .null, "comment": record.comment.map(JSONValue.string) ?? .null,
            "core_status": record.coreStatus.map { .int(Int64($0)) } ?? .null, "core_answer": record.coreAnswer.map(JSONValue.string) ?? .null,
            "hash": .string(record.hash),
        ]
    }
}
