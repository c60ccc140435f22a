import HubKit
import Hummingbird
import Identity
import Intake
import LogModel
import NIOCore
import Pipeline
import Transforms

/// `POST /gelf`: one GELF message per request (plain, gzip or zlib, told by its first bytes; graypy
/// sends zlib), answered 202 with no body as Graylog answers. The token goes in
/// `Authorization: Bearer`, or for clients that cannot set headers (graypy) in `?token=`, which then
/// sits in URLs and proxies' access logs: give such a client a token of its own.
struct GELFHTTPRoutes {
    let ingest: IngestService
    let authentication: IngestAuthentication
    let usage: IngestTokenUsage
    let rateLimiter: TokenRateLimiter
    let enabled: Bool

    func register(on routes: HubRoutes) {
        routes.ingest(.post, "/gelf") { request, context in await self.receive(request, context: context) }
    }

    private func receive(_ request: Request, context: HubRequestContext) async -> Response {
        let secret = BearerToken.from(request) ?? RequestInput.query(of: request)["token"]
        let token: IngestToken
        switch await authentication.verify(secret, howToSend: "send the ingest token as 'Authorization: Bearer <token>' or, for clients that cannot set headers, as ?token=<token>") {
        case .failure(let refusal): return JSONResponse.error(refusal.status, code: refusal.code, message: refusal.message, headers: refusal.headers)
        case .success(let valid): token = valid
        }
        guard enabled else {
            return JSONResponse.error(.notFound, code: "input_off",
                                      message: "the GELF HTTP input of this hub is off; switch it on with inputs.gelf_http.enabled (ADMIN_INPUTS_GELF_HTTP_ENABLED=true)")
        }
        let limit = ingest.limits.maxEventBytes
        guard let body = try? await request.body.collect(upTo: limit) else {
            return JSONResponse.error(.contentTooLarge, code: "event_too_large", message: "a GELF message is at most \(limit) bytes")
        }
        let event: JSONObject
        switch GELFPayload.plain(body, limit: limit) {
        case .failure(let error):
            return JSONResponse.error(.badRequest, code: "invalid_compression", message: "\(error)")
        case .success(let plain):
            switch GELFMessage.event(from: plain, maxBytes: limit) {
            case .failure(let error): return JSONResponse.error(.badRequest, code: error.code, message: error.message)
            case .success(let translated): event = translated
            }
        }
        let ingestContext = IngestContext(serviceName: token.service, clientAddress: context.clientIP, receivedAtMicros: WallClock.nowMicros())
        do {
            let receipt = try await ingest.ingest(body: ByteBuffer(bytes: GELFMessage.line(event)), contentType: "application/x-ndjson",
                                                  contentEncoding: nil, context: ingestContext,
                                                  admit: { accepted in rateLimiter.take(accepted, token: token.id) })
            if let error = receipt.errors.first {
                return JSONResponse.error(.badRequest, code: error.error.code, message: error.error.message)
            }
            usage.record(tokenID: token.id, events: receipt.accepted)
            return Response(status: .accepted)
        } catch {
            return IngestFailureAnswer.response(error, rateLimiter: rateLimiter)
        }
    }
}
