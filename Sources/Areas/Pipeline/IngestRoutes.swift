import HubKit
import Hummingbird
import Identity
import Intake
import LogModel
import Metrics
import NIOCore
import Pipeline
import Transforms

/// `POST /api/v1/logs`, exactly as ../shared/docs/ingest-contract.md says.
struct IngestRoutes {
    let ingest: IngestService
    let tokens: IngestTokenStore
    let rateLimiter: TokenRateLimiter

    func register(on routes: HubRoutes) {
        routes.ingest(.post, "/api/v1/logs") { request, context in
            try await self.handle(request, context: context)
        }
    }

    func handle(_ request: Request, context: HubRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        let response = await respond(request, context: context)
        Counter(label: "admin_ingest_requests_total", dimensions: [("status", String(response.status.code))]).increment()
        let elapsed = ContinuousClock.now - started
        Timer(label: "admin_ingest_request_duration_seconds").recordNanoseconds(
            elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        return response
    }

    private func respond(_ request: Request, context: HubRequestContext) async -> Response {
        let token: IngestToken
        switch await IngestAuthentication(tokens: tokens).verify(
            BearerToken.from(request), howToSend: "send the service's ingest token as 'Authorization: Bearer <token>'") {
        case .success(let valid): token = valid
        case .failure(let refusal):
            return rejectRequest(refusal.status, code: refusal.code, message: refusal.message, headers: refusal.headers)
        }

        let body: ByteBuffer
        do {
            // Compressed bodies are bounded again after inflating (Intake caps the output).
            body = try await request.collectBody(upTo: ingest.limits.maxBodyBytes)
        } catch {
            return rejectRequest(.contentTooLarge, code: "body_too_large",
                                 message: "the request body is over \(ingest.limits.maxBodyBytes) bytes; send smaller batches")
        }

        let ingestContext = IngestContext(serviceName: token.service, clientAddress: context.clientIP,
                                          receivedAtMicros: WallClock.nowMicros())
        let receipt: IngestReceipt
        do {
            receipt = try await ingest.ingest(body: body, contentType: request.headers[.contentType],
                                              contentEncoding: request.headers[.contentEncoding], context: ingestContext,
                                              admit: { accepted in rateLimiter.take(accepted, token: token.id) })
        } catch {
            return IngestFailureAnswer.response(error, rateLimiter: rateLimiter)
        }
        tokens.usage.record(tokenID: token.id, events: receipt.accepted)
        let status: HTTPResponse.Status = receipt.accepted > 0 ? .accepted : .badRequest
        return JSONResponse.make(status, receipt.json)
    }

    private func rejectRequest(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) -> Response {
        Counter(label: "admin_ingest_events_total", dimensions: [("outcome", "rejected"), ("reason", code)]).increment()
        return JSONResponse.error(status, code: code, message: message, headers: headers)
    }
}

extension IngestReceipt {
    /// `{"accepted": n, "rejected": n, "errors": [{"index", "error", "message"}]}`
    var json: JSONValue {
        .object([
            "accepted": .int(Int64(accepted)),
            "rejected": .int(Int64(rejected)),
            "errors": .array(errors.map { error in
                .object(["index": .int(Int64(error.index)), "error": .string(error.error.code), "message": .string(error.error.message)])
            }),
        ])
    }
}

extension TokenRateLimiter {
    var eventsPerSecondText: String { "\(Int(eventsPerSecondValue))" }
}
