import ClientPostgres
import Foundation
import LogModel
import Operations

/// Reads and verifies `operations_audit`. Rows are appended by the SQL function `operations_audit_append`
/// (migration 501) in the same statement as the state change they record (see `OperationStore`), under
/// one transaction-level advisory lock, so that on any number of hub nodes each row is chained to the
/// true last row and the chain never forks; the function hashes exactly what `AuditChain` verifies.
struct AuditLog: Sendable {
    let database: PostgresClient

    /// Same key on every node; distinct from the migrator's. Taken by `operations_audit_append` (migration 501).
    static let lockKey = "5110020001"

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
