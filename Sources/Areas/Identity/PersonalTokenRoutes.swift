import HubKit
import Foundation
import Hummingbird
import Identity
import LogModel

/// Self-service personal API tokens: `GET/POST /api/v1/me/tokens`, `DELETE /api/v1/me/tokens/{id}`.
/// Any signed-in user, for their own account only. A request made with a personal token can only
/// make tokens within its own scopes, so a narrow token can never mint a wider one.
struct PersonalTokenRoutes {
    let identity: IdentityServices
    let gate: StaffGate

    func register(on routes: HubRoutes) {
        routes.staff(.get, "/api/v1/me/tokens", nil) { request, call in
            let tokens = try await identity.personalTokens.list(userID: call.principal.user.id)
            return JSONResponse.make(.ok, ["tokens": .array(tokens.map(StaffJSON.personalToken))])
        }
        routes.staff(.post, "/api/v1/me/tokens", nil) { request, call in
            let requested = try call.input.strings("scopes").map(StaffJSON.permissions)
            let scopes = requested ?? call.principal.permissions
            let excess = scopes.subtracting(call.principal.permissions)
            guard excess.isEmpty else {
                throw Refusal.json(.forbidden, "scopes_exceed_credential",
                                   "this request may not grant \(excess.sorted().map(\.rawValue).joined(separator: ", "))")
            }
            guard !scopes.isEmpty else { throw Refusal.json(.badRequest, "no_scopes", "a token needs at least one scope") }
            var expiresAt: Date?
            if let days = try call.input.int64("expires_in_days") {
                guard (1...3650).contains(days) else {
                    throw Refusal.json(.badRequest, "invalid_expires_in_days", "'expires_in_days' must be 1...3650")
                }
                expiresAt = Date().addingTimeInterval(Double(days) * 86_400)
            }
            let (token, secret) = try await identity.administration.createPersonalToken(
                userID: call.principal.user.id, name: call.input.string("name") ?? "", scopes: scopes, expiresAt: expiresAt, by: call.audit)
            return JSONResponse.make(.created, ["token": StaffJSON.personalToken(token), "secret": .string(secret)])
        }
        routes.staff(.delete, "/api/v1/me/tokens/{id}", nil) { request, call in
            let token = try await identity.administration.revokePersonalToken(
                id: try call.id(what: "token"), ownedBy: call.principal.user.id, by: call.audit)
            return JSONResponse.make(.ok, ["token": StaffJSON.personalToken(token)])
        }
    }
}
