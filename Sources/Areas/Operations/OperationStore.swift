import ClientPostgres
import Foundation
import LogModel
import Operations

/// `operations` in PostgreSQL. Every state change runs through `transition`: the row is locked, the
/// state machine decides, the row changes and its audit row is appended — one transaction, so a state
/// without its audit row (or the reverse) cannot exist, and two nodes cannot both move one row.
struct OperationStore: Sendable {
    let database: PostgresClient

    /// Extra columns a transition sets besides the state.
    struct Changes: Sendable {
        var approver: OperationActor?
        var comment: String?
        var coreStatus: Int?
        var coreAnswer: String?
        var lastError: String?
        var countAttempt = false
        /// A `sending` row belongs to its sender until then (seconds from now).
        var leaseSeconds: Double?
        /// An `unknown` row is asked about again then (seconds from now).
        var nextCheckSeconds: Double?
    }

    struct NewOperation: Sendable {
        var request: ValidatedRequest
        var requestID: String
        var initiator: OperationActor
        var needsApproval: Bool
        var approvalTTLSeconds: Int
    }

    /// The limits a new request is checked against, in the same statement that stores it.
    struct Limits: Sendable {
        /// Operations one user may start per minute (shared by every node).
        var perMinute: Int
        /// The most money the initiator may move per day (UTC) in the request's currency, this request
        /// included; nil = no cap (the role has none, or the request moves no money in the cap's currency).
        var cap: DecimalNumber?
    }

    enum Submitted: Sendable {
        case created(OperationRow)
        /// The `request_id` was taken: the stored operation, as it is now.
        case existing(OperationRow)
        case rateLimited
        /// What the initiator moved (or has in flight) today, without this request.
        case dailyCapExceeded(movedToday: DecimalNumber)
    }

    /// Stores a new request with its `requested` audit row, or, when `request_id` exists, returns the
    /// stored one: two clicks, tabs or nodes make one operation. One statement (`operations_submit`,
    /// migration 501): the limits are checked under a per-user advisory lock in the same transaction,
    /// so two tabs or nodes cannot both slip under the rate limit or the daily cap (see `DailyCaps`).
    func insert(_ new: NewOperation, limits: Limits) async throws -> Submitted {
        let transition = try OperationMachine.next(nil, on: .submitted(needsApproval: new.needsApproval)).get()
        let parameters = JSONValue.object(new.request.parameters).jsonString
        let rows = try await database.query("""
            SELECT s.outcome, s.moved_today, c.* FROM operations_submit($1, $2, $3, $4, $5, $6::numeric, $7, $8, $9::boolean, $10::bigint, $11,
                                                                        $12::float8, $13::integer, $14::numeric) AS s
            LEFT JOIN LATERAL (SELECT \(OperationRow.columns) FROM (SELECT (s.created).*) AS o) AS c ON true
            """, [new.requestID, Self.newIdempotencyKey(), new.request.operation.name, parameters, new.request.shopID,
                  new.request.money.map { $0.amount.description }, new.request.money?.currency.code, transition.state.rawValue,
                  new.needsApproval ? "true" : "false", new.initiator.id.map(String.init), new.initiator.name, String(new.approvalTTLSeconds),
                  String(limits.perMinute), limits.cap?.description])
        guard let first = rows.first else { throw PostgresError(kind: .decoding, message: "operations_submit returned no row") }
        switch try first.string("outcome") {
        case "created": return .created(try OperationRow(first))
        case "rate_limited": return .rateLimited
        case "daily_cap_exceeded": return .dailyCapExceeded(movedToday: DecimalNumber(try first.string("moved_today") ?? "0") ?? .zero)
        default:
            guard let existing = try await find(requestID: new.requestID) else {
                throw PostgresError(kind: .decoding, message: "request_id \(new.requestID) conflicted but cannot be read back")
            }
            return .existing(existing)
        }
    }

    /// 32 random bytes as hex: chosen once per operation, reused for every retry of it.
    static func newIdempotencyKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let n = generator.next() as UInt64
            let hex = String(n, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    func find(id: Int64) async throws -> OperationRow? {
        try await database.query("SELECT \(OperationRow.columns) FROM operations WHERE id = $1", [String(id)]).first.map(OperationRow.init)
    }

    func find(requestID: String) async throws -> OperationRow? {
        try await database.query("SELECT \(OperationRow.columns) FROM operations WHERE request_id = $1", [requestID]).first.map(OperationRow.init)
    }

    /// Newest first.
    func list(state: OperationState?, shopID: String?, limit: Int) async throws -> [OperationRow] {
        var conditions: [String] = []
        var parameters: [String?] = []
        if let state {
            parameters.append(state.rawValue)
            conditions.append("state = $\(parameters.count)")
        }
        if let shopID {
            parameters.append(shopID)
            conditions.append("shop_id = $\(parameters.count)")
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try await database.query("SELECT \(OperationRow.columns) FROM operations \(whereClause) ORDER BY id DESC LIMIT \(limit)", parameters)
            .map(OperationRow.init)
    }

    /// Thrown by `transition` when the row is not there.
    struct NotFound: Error {}

    /// Applies `event` to the row if the state machine allows it from the row's current state; returns
    /// the changed row, or throws `OperationMachine.InvalidTransition` (nothing changed). One UPDATE
    /// guarded by the states the event is valid in (an event's next state does not depend on which of
    /// them the row is in), so two nodes acting on one row cannot both win; the audit row is appended
    /// in the same transaction.
    @discardableResult
    func transition(_ id: Int64, _ event: OperationEvent, audit: String, actor: OperationActor, changes: Changes = Changes(),
                    allowedFrom: Set<OperationState>? = nil) async throws -> OperationRow {
        var from: [OperationState] = []
        var next: OperationState?
        for state in OperationState.allCases where allowedFrom?.contains(state) ?? true {
            if case .success(let transition) = OperationMachine.next(state, on: event) {
                from.append(state)
                next = transition.state
            }
        }
        guard let next, !from.isEmpty else { throw OperationMachine.InvalidTransition(state: nil, event: event) }
        // Autocommit: the UPDATE and its audit row are one statement, so one transaction and one round trip.
        var sets = ["state = $2", "updated_at = now()"]
        var parameters: [String?] = [String(id), next.rawValue, "{" + from.map(\.rawValue).joined(separator: ",") + "}"]
        func set(_ column: String, _ value: String?, cast: String = "") {
            parameters.append(value)
            sets.append("\(column) = $\(parameters.count)\(cast)")
        }
        if let approver = changes.approver {
            set("approver_id", approver.id.map(String.init))
            set("approver", approver.name)
            sets.append("decided_at = now()")
        }
        if let comment = changes.comment { set("decision_comment", comment) }
        if let status = changes.coreStatus { set("core_status", String(status)) }
        if let answer = changes.coreAnswer { set("core_answer", answer) }
        if let error = changes.lastError { set("last_error", error) }
        if changes.countAttempt { sets.append("attempts = attempts + 1") }
        if let lease = changes.leaseSeconds { set("lease_until", String(lease), cast: "::float8 * interval '1 second' + now()") }
        if let check = changes.nextCheckSeconds { set("next_check_at", String(check), cast: "::float8 * interval '1 second' + now()") }
        let first = parameters.count + 1
        parameters += [audit, actor.id.map(String.init), actor.name, changes.approver?.name, changes.comment ?? changes.lastError,
                       changes.coreStatus.map(String.init), changes.coreAnswer]
        let updated = try await database.query("""
            WITH moved AS (
                UPDATE operations SET \(sets.joined(separator: ", ")) WHERE id = $1 AND state = ANY($3::text[]) RETURNING \(OperationRow.columns)
            )
            SELECT moved.* FROM moved
            CROSS JOIN LATERAL operations_audit_append(moved.id, $\(first), $\(first + 1)::bigint, $\(first + 2), moved.shop_id, moved.operation,
                                                       moved.parameters, $\(first + 3), $\(first + 4), $\(first + 5)::integer, $\(first + 6)) AS audit
            """, parameters)
        guard let row = try updated.first.map(OperationRow.init) else {
            let current = try await database.query("SELECT state FROM operations WHERE id = $1", [String(id)]).first
            guard let current else { throw NotFound() }
            throw OperationMachine.InvalidTransition(state: OperationState(rawValue: try current.string("state") ?? ""), event: event)
        }
        return row
    }

    /// Rows the reconciler must look at, claimed so no other node takes them at the same time:
    /// `unknown` ones due for a check, `sending` ones whose sender's lease ran out (it crashed), and
    /// `approved` ones nobody sent (a crash between approval and sending). Claimed = their lease or
    /// next check moves `holdSeconds` ahead.
    func claimStuck(limit: Int, holdSeconds: Double) async throws -> [OperationRow] {
        try await database.transaction { connection in
            let rows = try await connection.query("""
                SELECT id FROM operations
                WHERE (state = 'unknown' AND coalesce(next_check_at, now()) <= now())
                   OR (state = 'sending' AND coalesce(lease_until, now()) <= now())
                   OR (state = 'approved' AND coalesce(lease_until, updated_at) <= now() - interval '2 seconds')
                ORDER BY id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
                """, [])
            let ids = try rows.compactMap { try $0.int("id") }.map(String.init)
            guard !ids.isEmpty else { return [] }
            return try await connection.query("""
                UPDATE operations SET lease_until = now() + $2::float8 * interval '1 second',
                                      next_check_at = now() + $2::float8 * interval '1 second'
                WHERE id = ANY($1::bigint[]) RETURNING \(OperationRow.columns)
                """, ["{" + ids.joined(separator: ",") + "}", String(holdSeconds)]).map(OperationRow.init)
        }
    }

    /// Pending approvals past their `expires_at`.
    func dueForExpiry(limit: Int) async throws -> [Int64] {
        try await database.query("SELECT id FROM operations WHERE state = 'pending_approval' AND expires_at <= now() ORDER BY id LIMIT \(limit)", [])
            .compactMap { try $0.int("id") }.map(Int64.init)
    }
}
