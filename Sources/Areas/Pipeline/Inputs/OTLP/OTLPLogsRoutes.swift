import HTTPTypes
import HubKit
import Hummingbird
import Identity
import Intake
import LogModel
import Metrics
import NIOCore
import Pipeline
import Transforms

/// `POST /v1/logs`: OTLP/HTTP logs, what OpenTelemetry SDKs and the Collector's `otlphttp`
/// exporter send. Protobuf or JSON (told by `Content-Type`), plain or gzip; the token as
/// `Authorization: Bearer` (`OTEL_EXPORTER_OTLP_HEADERS`). Records take the same path as
/// `POST /api/v1/logs` (normalisation, redaction, the spool's fsync before the answer). Answers as
/// the OTLP/HTTP spec says, in the request's encoding: 200 with `ExportLogsServiceResponse` (a
/// `partial_success` counting the records refused one by one), 400 with `google.rpc.Status` for a
/// body that cannot be read (nothing stored), 429/503 with `Retry-After` (the retryable codes) when
/// the hub cannot take the request now, 415 for another media type.
struct OTLPLogsRoutes {
    let ingest: IngestService
    let authentication: IngestAuthentication
    let usage: IngestTokenUsage
    let rateLimiter: TokenRateLimiter
    let enabled: Bool

    func register(on routes: HubRoutes) {
        routes.ingest(.post, "/v1/logs") { request, context in await self.export(request, context: context) }
    }

    private func export(_ request: Request, context: HubRequestContext) async -> Response {
        // Unknown media types get the answer in JSON: the sender's encoding is not known then.
        let encoding = OTLPEncoding(contentType: request.headers[.contentType])
        let answer = encoding ?? .json
        let token: IngestToken
        switch await authentication.verify(BearerToken.from(request), howToSend: "send the ingest token as 'Authorization: Bearer <token>' (OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>)") {
        case .failure(let refusal):
            let code: OTLPAnswer.Code = switch refusal.status {
            case .unauthorized: .unauthenticated
            case .forbidden: .permissionDenied
            default: .unavailable
            }
            return status(refusal.status, code, "\(refusal.code): \(refusal.message)", answer, headers: refusal.headers)
        case .success(let valid): token = valid
        }
        // Checked after the token, as every ingest route: a caller without one learns nothing.
        guard enabled else {
            return status(.notFound, .notFound,
                          "the OTLP input of this hub is off; switch it on with inputs.otlp.enabled (ADMIN_INPUTS_OTLP_ENABLED=true)", answer)
        }
        guard let encoding else {
            return status(.unsupportedMediaType, .invalidArgument,
                          "Content-Type must be application/x-protobuf or application/json, not '\(request.headers[.contentType] ?? "")'", answer)
        }

        let limit = ingest.limits.maxBodyBytes
        let logs: OTLPLogs
        do {
            let body = try await request.collectBody(upTo: limit)
            let plain = try DecodedBody.plain(body, contentEncoding: request.headers[.contentEncoding], limit: limit)
            logs = try OTLPLogsDecoder.decode(plain, encoding: encoding)
        } catch let error as IngestError {
            return status(HTTPResponse.Status(code: error.status), .invalidArgument, "\(error.code): \(error.message)", encoding)
        } catch let error as OTLPDecodingError {
            countRejected(1, reason: "invalid_otlp", service: token.service)
            return status(.badRequest, .invalidArgument, error.message, encoding)
        } catch {
            return status(.contentTooLarge, .invalidArgument, "the request body is over \(limit) bytes; export smaller batches", encoding)
        }

        var rejected = logs.rejected.count
        if rejected > 0 { countRejected(rejected, reason: "invalid_otlp_record", service: token.service) }
        var firstError = logs.rejected.first
        if !logs.events.isEmpty {
            let ingestContext = IngestContext(serviceName: token.service, clientAddress: context.clientIP, receivedAtMicros: WallClock.nowMicros())
            do {
                let receipt = try await ingest.ingest(body: logs.ndjson, contentType: "application/x-ndjson", contentEncoding: nil,
                                                      context: ingestContext,
                                                      admit: { accepted in rateLimiter.take(accepted, token: token.id) })
                rejected += receipt.rejected
                if firstError == nil, let error = receipt.errors.first { firstError = "\(error.error.code): \(error.error.message)" }
                usage.record(tokenID: token.id, events: receipt.accepted)
            } catch {
                return failure(error, encoding)
            }
        }
        var message = ""
        if rejected > 0 {
            message = "\(rejected) of \(logs.events.count + logs.rejected.count) log records refused; the first: \(firstError ?? "?")"
        }
        return Response(status: .ok, headers: [.contentType: encoding.contentType],
                        body: .init(byteBuffer: ByteBuffer(bytes: OTLPAnswer.exported(rejected: rejected, message: message, encoding: encoding))))
    }

    /// Records refused before they reach the intake, counted as the intake counts its own refusals.
    private func countRejected(_ n: Int, reason: String, service: String) {
        ingest.rates.add(n, to: "rejected/" + service)
        Counter(label: "admin_ingest_events_total", dimensions: [("outcome", "rejected"), ("reason", reason)]).increment(by: n)
    }

    /// The hub took none of the request: the spec's retryable answers (429, 503 with Retry-After) or a 4xx.
    private func failure(_ error: IngestFailure, _ encoding: OTLPEncoding) -> Response {
        switch error {
        case .invalidRequest(let failure):
            return status(HTTPResponse.Status(code: failure.status), .invalidArgument, "\(failure.code): \(failure.message)", encoding)
        case .spoolFull(let seconds):
            return status(.serviceUnavailable, .unavailable, ElasticsearchBulkRoutes.reason(error), encoding, headers: [.retryAfter: String(seconds)])
        case .diskFull, .spoolUnavailable:
            return status(.serviceUnavailable, .unavailable, ElasticsearchBulkRoutes.reason(error), encoding, headers: [.retryAfter: "5"])
        case .rateLimited(let seconds):
            return status(.tooManyRequests, .resourceExhausted, ElasticsearchBulkRoutes.reason(error), encoding, headers: [.retryAfter: String(seconds)])
        }
    }

    private func status(_ http: HTTPResponse.Status, _ code: OTLPAnswer.Code, _ message: String, _ encoding: OTLPEncoding,
                        headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = encoding.contentType
        return Response(status: http, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: OTLPAnswer.status(code, message: message, encoding: encoding))))
    }
}
