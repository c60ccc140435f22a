import ClientPostgres
import LogModel
import Operations

/// One stored operation request, as read back from `operations`.
struct OperationRow: Sendable, Equatable {
    var id: Int64
    var requestID: String
    var idempotencyKey: String
    var operation: String
    /// The normalised parameters, as JSON text.
    var parameters: String
    var shopID: String?
    var amount: String?
    var currency: String?
    var state: OperationState
    var needsApproval: Bool
    var initiatorID: Int64
    var initiator: String
    var approverID: Int64?
    var approver: String?
    var decisionComment: String?
    var decidedAt: String?
    var coreStatus: Int?
    var coreAnswer: String?
    var lastError: String?
    var attempts: Int
    var expiresAt: String?
    var createdAt: String
    var updatedAt: String

    /// The select list every read uses: times as ISO 8601 UTC text.
    static let columns = """
        id, request_id, idempotency_key, operation, parameters, shop_id, amount::text AS amount, currency, state, needs_approval,
        initiator_id, initiator, approver_id, approver, decision_comment, \(iso("decided_at")), core_status, core_answer, last_error,
        attempts, \(iso("expires_at")), \(iso("created_at")), \(iso("updated_at"))
        """

    static func iso(_ column: String) -> String {
        #"to_char(\#(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS \#(column)"#
    }

    init(_ row: PostgresRow) throws {
        id = Int64(try row.int("id") ?? 0)
        requestID = try row.string("request_id") ?? ""
        idempotencyKey = try row.string("idempotency_key") ?? ""
        operation = try row.string("operation") ?? ""
        parameters = try row.string("parameters") ?? "{}"
        shopID = try row.string("shop_id")
        amount = try row.string("amount")
        currency = try row.string("currency")
        let stateText = try row.string("state") ?? ""
        guard let parsed = OperationState(rawValue: stateText) else {
            throw PostgresError(kind: .decoding, message: "operations.state '\(stateText)' is not a known state")
        }
        state = parsed
        needsApproval = try row.bool("needs_approval") ?? false
        initiatorID = Int64(try row.int("initiator_id") ?? 0)
        initiator = try row.string("initiator") ?? ""
        approverID = try row.int("approver_id").map(Int64.init)
        approver = try row.string("approver")
        decisionComment = try row.string("decision_comment")
        decidedAt = try row.string("decided_at")
        coreStatus = try row.int("core_status")
        coreAnswer = try row.string("core_answer")
        lastError = try row.string("last_error")
        attempts = try row.int("attempts") ?? 0
        expiresAt = try row.string("expires_at")
        createdAt = try row.string("created_at") ?? ""
        updatedAt = try row.string("updated_at") ?? ""
    }

    var parametersJSON: JSONValue { (try? JSONParser.parse(parameters)) ?? .object([:]) }

    /// CORE's answer body as JSON when it was JSON.
    var coreAnswerJSON: JSONValue? { coreAnswer.flatMap { try? JSONParser.parse($0) } }

    /// The API's shape of an operation.
    var json: JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            "id": .int(id), "request_id": .string(requestID), "operation": .string(operation), "params": parametersJSON,
            "shop_id": text(shopID), "state": .string(state.rawValue), "needs_approval": .bool(needsApproval),
            "initiator": ["id": .int(initiatorID), "email": .string(initiator)],
            "approver": approverID.map { ["id": .int($0), "email": text(approver)] } ?? .null,
            "decision_comment": text(decisionComment), "decided_at": text(decidedAt),
            "core": coreStatus.map { ["status": .int(Int64($0)), "answer": coreAnswerJSON ?? text(coreAnswer)] } ?? .null,
            "last_error": text(lastError), "attempts": .int(Int64(attempts)), "expires_at": text(expiresAt),
            "created_at": .string(createdAt), "updated_at": .string(updatedAt),
        ]
    }
}

/// Who caused an audit row: a staff member, or the hub itself (the sender, the reconciler, expiry).
struct OperationActor: Sendable, Equatable {
    var id: Int64?
    var name: String

    static let hub = OperationActor(id: nil, name: "hub")
}
