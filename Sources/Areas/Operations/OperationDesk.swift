import ClientPostgres
import Foundation
import HubKit
import Hummingbird
import Identity
import LogModel
import Logging
import Operations

/// What the API does with an operation request, approval or rejection: the checks (catalog,
/// permission, rate limit, daily cap, four eyes) in one place, then the store and the sender.
struct OperationDesk: Sendable {
    let configuration: OperationsConfiguration
    let catalog: [String: OperationDefinition]
    let store: OperationStore
    let sender: OperationSender
    let core: CoreClient?
    let logger: Logger

    // MARK: Submit

    func submit(_ input: JSONObject, by principal: StaffPrincipal) async throws -> Response {
        guard let name = input["operation"]?.stringValue, !name.isEmpty else {
            throw Refusal.json(.badRequest, "missing_operation", "'operation' must name an operation of the catalog (GET /api/v1/operations/catalog)")
        }
        guard let definition = catalog[name] else {
            throw Refusal.json(.badRequest, "unknown_operation", "'\(name)' is not in the catalog: \(catalog.keys.sorted().joined(separator: ", "))")
        }
        let params: JSONObject
        switch input["params"] {
        case nil, .null?: params = [:]
        case .object(let object)?: params = object
        default: throw Refusal.json(.badRequest, "invalid_params", "'params' must be a JSON object")
        }
        let request = try Self.validated(definition, params)
        if let needed = Permission(name: definition.permission), !principal.allows(needed) {
            throw Refusal.json(.forbidden, "forbidden", "'\(name)' needs the permission '\(definition.permission)', which your roles do not grant")
        }
        guard definition.isMutating else { return try await lookUp(request, by: principal) }
        let requestID = try Self.requestID(input["request_id"])
        guard core != nil else { throw Self.notConfigured }

        let needsApproval = definition.approval.requiresApproval(amount: request.money)
        let cap = dailyCap(request, principal)
        let submitted = try await store.insert(.init(request: request, requestID: requestID, initiator: Self.actor(principal),
                                                     needsApproval: needsApproval, approvalTTLSeconds: configuration.approvalTTLSeconds),
                                               limits: .init(perMinute: configuration.ratePerUserPerMinute, cap: cap))
        switch submitted {
        case .existing(let row):
            // The same request again (a second click, tab or node): the stored operation, as it is now.
            return try repeated(row, request, principal)
        case .rateLimited:
            let perMinute = configuration.ratePerUserPerMinute
            throw Refusal(JSONResponse.error(.tooManyRequests, code: "rate_limited",
                                             message: "you started \(perMinute) operations in the last minute, the most allowed (operations.rate_limit_per_minute); wait a minute",
                                             headers: [.retryAfter: "60"]), message: "too many operations in the last minute")
        case .dailyCapExceeded(let moved):
            let code = request.money?.currency.code ?? configuration.dailyCaps.currency.code
            throw Refusal.json(.forbidden, "daily_cap_exceeded",
                               "this would move \(request.money?.amount.magnitude.description ?? "?") \(code) on top of \(moved) today; your roles' daily cap is \(cap.map(\.description) ?? "none") \(code) (operations.daily_cap.*)")
        case .created(let row):
            guard row.state == .approved else { return respond(row) }
            return respond(try await sender.send(row.id) ?? row)
        }
    }

    /// The user's daily cap when the request moves money in the caps' currency (a user's cap is the
    /// largest of their roles' caps; nil = not capped). Checked by the store, in the insert's statement,
    /// as `DailyCaps.allows` does: today's total plus this amount's magnitude must not exceed it.
    private func dailyCap(_ request: ValidatedRequest, _ principal: StaffPrincipal) -> DecimalNumber? {
        let caps = configuration.dailyCaps
        guard let money = request.money, money.currency == caps.currency else { return nil }
        let roles = principal.user.roles.filter { $0.permissions.contains(.operationsRun) }.map(\.rawValue)
        return caps.cap(forRoles: roles)
    }

    private func repeated(_ row: OperationRow, _ request: ValidatedRequest, _ principal: StaffPrincipal) throws -> Response {
        guard row.initiatorID == principal.user.id, row.operation == request.operation.name,
              row.parametersJSON == .object(request.parameters) else {
            throw Refusal.json(.conflict, "request_id_reused", "request_id '\(row.requestID)' belongs to another operation; use a new one for a new request")
        }
        return respond(row)
    }

    /// Look-ups (GET operations) are not stored or approved: they are passed on and audited.
    func lookUp(_ request: ValidatedRequest, by principal: StaffPrincipal) async throws -> Response {
        guard let core else { throw Self.notConfigured }
        let outcome = await core.call(request.coreRequest, actor: principal.user.id, idempotencyKey: nil)
        switch outcome {
        case .applied(_, let body):
            return JSONResponse.make(.ok, ["operation": .string(request.operation.name), "result": (try? JSONParser.parse(body)) ?? .string(body)])
        case .refused(let status, let code, let message, _):
            return JSONResponse.error(.init(code: status), code: code, message: "CORE refused: \(message)")
        case .uncertain(let reason):
            return JSONResponse.error(.badGateway, code: "core_unavailable", message: "CORE did not answer (\(reason)); try again")
        }
    }

    // MARK: Approve / reject

    func approve(_ id: Int64, comment: String?, by principal: StaffPrincipal) async throws -> Response {
        guard let row = try await store.find(id: id) else { throw Self.unknown(id) }
        guard row.initiatorID != principal.user.id else {
            throw Refusal.json(.forbidden, "self_approval_forbidden", "you started this operation: someone else with 'operations.approve' must approve it")
        }
        guard core != nil else { throw Self.notConfigured }
        if row.state == .pendingApproval, try await isPastExpiry(id) {
            _ = try? await store.transition(id, .expire, audit: "expired", actor: .hub,
                                            changes: .init(lastError: "nobody approved it within operations.approval_ttl"))
            throw Refusal.json(.conflict, "expired", "this request expired (operations.approval_ttl) before it was approved; start it again")
        }
        let approved: OperationRow
        do {
            approved = try await store.transition(id, .approve, audit: "approved", actor: Self.actor(principal),
                                                  changes: .init(approver: Self.actor(principal), comment: comment), allowedFrom: [.pendingApproval])
        } catch is OperationMachine.InvalidTransition {
            throw Refusal.json(.conflict, "not_pending", "operation \(id) is \(try await store.find(id: id)?.state.rawValue ?? row.state.rawValue), not waiting for approval")
        }
        return respond(try await sender.send(approved.id) ?? approved)
    }

    func reject(_ id: Int64, comment: String?, by principal: StaffPrincipal) async throws -> Response {
        guard let text = comment?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            throw Refusal.json(.badRequest, "comment_required", "say why it is rejected ('comment'); the initiator sees it")
        }
        guard try await store.find(id: id) != nil else { throw Self.unknown(id) }
        do {
            let row = try await store.transition(id, .reject, audit: "rejected", actor: Self.actor(principal),
                                                 changes: .init(approver: Self.actor(principal), comment: text), allowedFrom: [.pendingApproval])
            return respond(row)
        } catch is OperationMachine.InvalidTransition {
            throw Refusal.json(.conflict, "not_pending", "operation \(id) is \(try await store.find(id: id)?.state.rawValue ?? "?"), not waiting for approval")
        }
    }

    private func isPastExpiry(_ id: Int64) async throws -> Bool {
        try await store.database.query("SELECT expires_at <= now() AS past FROM operations WHERE id = $1", [String(id)]).first?.bool("past") ?? false
    }

    // MARK: Answers

    /// 200 applied (with CORE's result), 202 waiting (approval, or CORE's answer being reconciled),
    /// CORE's 4xx passed on in plain words, 409 for rejected or expired.
    func respond(_ row: OperationRow) -> Response {
        var body: JSONObject = ["operation": row.json]
        switch row.state {
        case .applied:
            body.append("result", row.coreAnswerJSON?["result"] ?? row.coreAnswerJSON ?? .null)
            return JSONResponse.make(.ok, .object(body))
        case .pendingApproval:
            body.append("message", .string("waiting for approval by someone else holding 'operations.approve' (expires \(row.expiresAt ?? "?"))"))
            return JSONResponse.make(.accepted, .object(body))
        case .approved, .sending, .unknown:
            body.append("message", .string("CORE's answer is not known yet; the hub asks CORE by the idempotency key and never sends it twice"))
            return JSONResponse.make(.accepted, .object(body))
        case .failed:
            let answer = row.coreAnswerJSON
            let status = row.coreStatus.flatMap { (400..<500).contains($0) ? $0 : nil } ?? 502
            body.append("error", .string(answer?["error"]?.stringValue ?? "core_refused"))
            body.append("message", .string("CORE refused it: \(answer?["message"]?.stringValue ?? row.lastError ?? "no reason given")"))
            return JSONResponse.make(.init(code: status), .object(body))
        case .rejected, .expired:
            body.append("error", .string(row.state.rawValue))
            body.append("message", .string(row.state == .rejected ? "rejected by \(row.approver ?? "an approver"): \(row.decisionComment ?? "")"
                                                                  : "nobody approved it in time (operations.approval_ttl)"))
            return JSONResponse.make(.conflict, .object(body))
        }
    }

    // MARK: Helpers

    static func validated(_ definition: OperationDefinition, _ params: JSONObject) throws -> ValidatedRequest {
        switch ValidatedRequest.validate(definition, params) {
        case .success(let request): return request
        case .failure(let failure):
            let problems = failure.problems
            let body: JSONValue = [
                "error": .string(problems.count == 1 ? problems[0].code : "invalid_params"),
                "message": .string(problems.map(\.description).joined(separator: "; ")),
                "problems": .array(problems.map { ["param": .string($0.parameter), "error": .string($0.code), "message": .string($0.message)] }),
            ]
            throw Refusal(JSONResponse.make(.badRequest, body), message: problems.map(\.description).joined(separator: "; "))
        }
    }

    static func requestID(_ value: JSONValue?) throws -> String {
        guard let text = value?.stringValue, (1...128).contains(text.count),
              text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }) else {
            throw Refusal.json(.badRequest, "invalid_request_id",
                               "'request_id' is required: 1–128 characters of A-Z a-z 0-9 - _ . :, chosen once per request (a UUID) and sent again on a retry")
        }
        return text
    }

    static func actor(_ principal: StaffPrincipal) -> OperationActor {
        OperationActor(id: principal.user.id, name: principal.user.email)
    }

    static func unknown(_ id: Int64) -> Refusal {
        Refusal.json(.notFound, "unknown_operation", "no operation with id \(id)")
    }

    static let notConfigured = Refusal.json(.serviceUnavailable, "core_not_configured",
                                            "operations are off: set operations.core_url (ADMIN_CORE_URL) and operations.core_token (ADMIN_CORE_TOKEN)")
}
