import Foundation
import HubKit
import Hummingbird
import Identity
import LogModel
import Operations

/// The operations API (`operations.run`; approving and rejecting need `operations.approve`):
/// `POST /api/v1/operations`, `GET /api/v1/operations?state=&shop=`, `GET /api/v1/operations/{id}`,
/// `POST /api/v1/operations/{id}/approve|reject`, `GET /api/v1/operations/catalog`,
/// `GET /api/v1/operations/audit?shop=&actor=&since=` (CSV with `format=csv` or `Accept: text/csv`),
/// `GET /api/v1/shops/{shop_id}`.
struct OperationsRoutes {
    let desk: OperationDesk
    let audit: AuditLog

    func register(on routes: HubRoutes) {
        routes.staff(.get, "/api/v1/operations/catalog", .operationsRun) { _, _ in
            JSONResponse.make(.ok, ["operations": CatalogCoding.encode(desk.configuration.catalog),
                                    "currencies": .array(Currency.allCodes.map(JSONValue.string)),
                                    "enabled": .bool(desk.configuration.isEnabled)])
        }
        routes.staff(.post, "/api/v1/operations", .operationsRun) { _, call in
            guard !call.isForm else {
                throw Refusal.json(.unsupportedMediaType, "json_required", "send the operation as JSON: {\"operation\",\"params\",\"request_id\"}")
            }
            return try await desk.submit(call.input.object, by: call.principal)
        }
        routes.staff(.get, "/api/v1/operations", .operationsRun) { request, _ in
            let query = RequestInput.query(of: request)
            var state: OperationState?
            if let text = query["state"], !text.isEmpty {
                guard let parsed = OperationState(rawValue: text) else {
                    throw Refusal.json(.badRequest, "invalid_state", "'state' must be one of \(OperationState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                state = parsed
            }
            let limit = try Self.limit(query)
            let rows = try await desk.store.list(state: state, shopID: query["shop"].flatMap { $0.isEmpty ? nil : $0 }, limit: limit)
            return JSONResponse.make(.ok, ["operations": .array(rows.map(\.json))])
        }
        routes.staff(.get, "/api/v1/operations/audit", .operationsRun) { request, _ in
            let query = RequestInput.query(of: request)
            var filter = AuditLog.Filter()
            filter.shopID = query["shop"].flatMap { $0.isEmpty ? nil : $0 }
            filter.actor = query["actor"].flatMap { $0.isEmpty ? nil : $0 }
            filter.sinceMicros = try TimeParameter.parse(query["since"], key: "since").map { Int64($0.timeIntervalSince1970 * 1_000_000) }
            if let text = query["before"], !text.isEmpty {
                guard let before = Int64(text) else { throw Refusal.json(.badRequest, "invalid_before", "'before' must be an audit row id") }
                filter.beforeID = before
            }
            let wantsCSV = query["format"] == "csv" || (request.headers[.accept] ?? "").contains("text/csv")
            if let format = query["format"], !format.isEmpty, format != "csv", format != "json" {
                throw Refusal.json(.badRequest, "invalid_format", "'format' must be json or csv")
            }
            filter.limit = wantsCSV ? 10_000 : try Self.limit(query)
            let records = try await audit.list(filter)
            if wantsCSV {
                let stamp = Date().formatted(.iso8601).replacingOccurrences(of: ":", with: "")
                return Response(status: .ok,
                                headers: [.contentType: "text/csv; charset=utf-8",
                                          .contentDisposition: #"attachment; filename="operations-audit-\#(stamp).csv""#],
                                body: .init(byteBuffer: .init(string: OperationsAuditCSV.document(records))))
            }
            return JSONResponse.make(.ok, ["entries": .array(records.map(AuditLog.json)),
                                           "next_before": records.count == filter.limit ? records.last.map { .int($0.id) } ?? .null : .null])
        }
        routes.staff(.get, "/api/v1/operations/{id}", .operationsRun) { _, call in
            let id = try call.id(what: "operation")
            guard let row = try await desk.store.find(id: id) else { throw OperationDesk.unknown(id) }
            return JSONResponse.make(.ok, ["operation": row.json])
        }
        routes.staff(.post, "/api/v1/operations/{id}/approve", .operationsApprove) { _, call in
            try await desk.approve(try call.id(what: "operation"), comment: call.input.string("comment"), by: call.principal)
        }
        routes.staff(.post, "/api/v1/operations/{id}/reject", .operationsApprove) { _, call in
            try await desk.reject(try call.id(what: "operation"), comment: call.input.string("comment"), by: call.principal)
        }
        routes.staff(.get, "/api/v1/shops/{shop_id}", .operationsRun) { request, call in
            try await shop(call.context.parameters.get("shop_id") ?? "", RequestInput.query(of: request), call)
        }
    }

    /// CORE's shop look-up, its recent movements and this shop's operations in the hub.
    func shop(_ shopID: String, _ query: [String: String], _ call: StaffCall) async throws -> Response {
        guard let lookup = desk.catalog["shop_lookup"], let movements = desk.catalog["shop_movements"] else {
            throw Refusal.json(.notFound, "lookup_not_in_catalog", "the catalog has no shop_lookup/shop_movements operation")
        }
        let request = try OperationDesk.validated(lookup, ["shop_id": .string(shopID)])
        guard let core = desk.core else { throw OperationDesk.notConfigured }
        let actor = call.principal.user.id
        let shop: JSONValue
        switch await core.call(request.coreRequest, actor: actor, idempotencyKey: nil) {
        case .applied(_, let body): shop = (try? JSONParser.parse(body)) ?? .string(body)
        case .refused(let status, let code, let message, _):
            return JSONResponse.error(.init(code: status), code: code, message: "CORE: \(message)")
        case .uncertain(let reason):
            return JSONResponse.error(.badGateway, code: "core_unavailable", message: "CORE did not answer (\(reason)); try again")
        }
        var body: JSONObject = ["shop": shop]
        let limit = Int64(query["limit"].flatMap(Int.init) ?? 20)
        if case .success(let listing) = ValidatedRequest.validate(movements, ["shop_id": .string(shopID), "limit": .int(min(max(limit, 1), 200))]) {
            switch await core.call(listing.coreRequest, actor: actor, idempotencyKey: nil) {
            case .applied(_, let text):
                body.append("movements", (try? JSONParser.parse(text))?["movements"] ?? .array([]))
            case .refused(_, _, let message, _): body.append("movements_error", .string(message))
            case .uncertain(let reason): body.append("movements_error", .string(reason))
            }
        }
        body.append("operations", .array(try await desk.store.list(state: nil, shopID: shopID, limit: 50).map(\.json)))
        return JSONResponse.make(.ok, .object(body))
    }

    static func limit(_ query: [String: String]) throws -> Int {
        guard let text = query["limit"], !text.isEmpty else { return 100 }
        guard let limit = Int(text), (1...1000).contains(limit) else { throw Refusal.json(.badRequest, "invalid_limit", "'limit' must be 1...1000") }
        return limit
    }
}

/// The operations audit as CSV (RFC 4180), formula-looking fields defused.
enum OperationsAuditCSV {
    static let header = "id,at,operation_id,event,actor,shop_id,operation,params,approver,comment,core_status,core_answer,hash\r\n"

    static func document(_ records: [AuditRecord]) -> String {
        header + records.map { record in
            let at = Date(timeIntervalSince1970: Double(record.atMicros) / 1_000_000).formatted(.iso8601)
            return [String(record.id), at, record.operationID.map(String.init) ?? "", record.event, record.actor, record.shopID ?? "",
                    record.operation, record.parameters, record.approver ?? "", record.comment ?? "", record.coreStatus.map(String.init) ?? "",
                    record.coreAnswer ?? "", record.hash].map(field).joined(separator: ",") + "\r\n"
        }.joined()
    }

    static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
