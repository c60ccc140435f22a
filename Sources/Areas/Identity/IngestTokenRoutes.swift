import ClientPostgres
import Foundation
import HubKit
import Hummingbird
import Identity
import LogModel

/// Ingest tokens for admins (`tokens.manage`): `GET/POST /api/v1/ingest-tokens`,
/// `DELETE /api/v1/ingest-tokens/{id}` (and `POST .../{id}/revoke` for the page's forms). Every
/// creation and revocation leaves a security-audit row.
struct IngestTokenRoutes {
    let identity: IdentityServices
    let tokens: IngestTokenStore
    let gate: StaffGate
    let database: PostgresClient

    func register(on routes: HubRoutes) {
        routes.staff(.get, "/api/v1/ingest-tokens", .tokensManage) { request, _ in
            let list = try await tokens.list()
            let activity = (try? await IngestTokenUsage.activity(database: database)) ?? [:]
            return JSONResponse.make(.ok, ["tokens": .array(list.map { token in
                guard case .object(var object) = StaffJSON.ingestToken(token) else { return .null }
                let used = activity[token.id] ?? IngestTokenActivity()
                object["last_used_at"] = used.lastUsedAt.map { .string($0.formatted(.iso8601)) } ?? .null
                object["events_last_hour"] = .int(used.eventsLastHour)
                object["events_last_day"] = .int(used.eventsLastDay)
                return .object(object)
            })])
        }
        routes.staff(.post, "/api/v1/ingest-tokens", .tokensManage) { request, call in
            guard let service = call.input.string("service"), !service.isEmpty else {
                throw Refusal.json(.badRequest, "missing_service", "send the 'service' the token ships logs for")
            }
            let (token, secret) = try await tokens.create(service: service, scopes: [.ingest],
                                                          description: call.input.string("description") ?? "")
            try await identity.administration.recordIngestTokenCreated(token, by: call.audit)
            if call.isForm {
                return HTMLPage.message(status: .created, title: "Ingest token created",
                                        text: "Token \(token.id) for service '\(token.service)'. Configure the service with it.",
                                        secret: secret, back: "/ingest-tokens")
            }
            return JSONResponse.make(.created, ["token": StaffJSON.ingestToken(token), "secret": .string(secret)])
        }
        routes.staff(.delete, "/api/v1/ingest-tokens/{id}", .tokensManage) { request, call in try await revoke(call) }
        routes.staff(.post, "/api/v1/ingest-tokens/{id}/revoke", .tokensManage) { request, call in try await revoke(call) }
    }

    func revoke(_ call: StaffCall) async throws -> Response {
        let id = try call.id(what: "token")
        guard let token = try await tokens.revoke(id: id) else {
            throw Refusal.json(.notFound, "unknown_token", "no ingest token with id \(id)")
        }
        try await identity.administration.recordIngestTokenRevoked(token, by: call.audit)
        if call.isForm { return Response(status: .seeOther, headers: [.location: "/ingest-tokens"]) }
        return JSONResponse.make(.ok, ["token": StaffJSON.ingestToken(token)])
    }
}
