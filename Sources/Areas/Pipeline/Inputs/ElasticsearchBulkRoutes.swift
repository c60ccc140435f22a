import Foundation
import HTTPTypes
import HubKit
import Hummingbird
import Identity
import Intake
import LogModel
import NIOCore
import Pipeline
import Transforms

/// The Elasticsearch-compatible input under `/es`: what Filebeat, Logstash, Fluent Bit, Vector,
/// rsyslog's omelasticsearch and the official clients' bulk helpers call, so they ship to the hub
/// unchanged. Documents take the same path as `POST /api/v1/logs` (normalisation, redaction, the
/// spool and its fsync before the answer); `_id` becomes the event id (a resent `_id` is stored
/// once) and `_index` the event's `event.dataset`.
struct ElasticsearchBulkRoutes {
    let ingest: IngestService
    let authentication: IngestAuthentication
    let usage: IngestTokenUsage
    let rateLimiter: TokenRateLimiter
    let configuration: ElasticsearchInputConfiguration
    let clusterName: String

    static let prefix = "/es"

    typealias Handler = @Sendable (Request, HubRequestContext) async throws -> Response

    /// Under `/es` on the hub's own port.
    func register(on routes: HubRoutes) {
        register(prefix: Self.prefix) { method, path, handler in routes.ingest(method, path, handler) }
    }

    /// At the root of a listener of its own (`inputs.elasticsearch.listen`), for shippers that cannot
    /// add a path to the Elasticsearch URL (rsyslog's omelasticsearch).
    func register(on router: Router<HubRequestContext>) {
        register(prefix: "") { method, path, handler in router.on(RouterPath(path.isEmpty ? "/" : path), method: method, use: handler) }
    }

    private func register(prefix: String, _ add: (HTTPRequest.Method, String, @escaping Handler) -> Void) {
        for method in [HTTPRequest.Method.get, .head] {
            add(method, prefix) { request, _ in await self.guarded(request) { try await self.info(request) } }
        }
        add(.get, prefix + "/_license") { request, _ in await self.guarded(request) { self.license(request) } }
        add(.get, prefix + "/_xpack") { request, _ in await self.guarded(request) { self.xpack(request) } }
        add(.get, prefix + "/_cluster/health") { request, _ in await self.guarded(request) { self.health(request) } }
        add(.get, prefix + "/_cat/health") { request, _ in await self.guarded(request) { self.catHealth() } }
        for method in [HTTPRequest.Method.post, .put] {
            add(method, prefix + "/_bulk") { request, context in
                await self.bulk(request, context: context, pathIndex: nil)
            }
            add(method, prefix + "/{index}/_bulk") { request, context in
                await self.bulk(request, context: context, pathIndex: context.parameters.get("index"))
            }
        }
    }

    // MARK: Probes

    /// Authenticates, and answers 404 while the input is off; then `answer`.
    private func guarded(_ request: Request, _ answer: () async throws -> Response) async -> Response {
        let responses = ElasticsearchResponses(request: request)
        if case .failure(let refusal) = await authenticate(request) { return refused(refusal, responses) }
        guard configuration.enabled else { return off(responses) }
        do { return try await answer() } catch {
            return responses.error(.internalServerError, type: "exception", reason: "\(error)")
        }
    }

    private func info(_ request: Request) async throws -> Response {
        let responses = ElasticsearchResponses(request: request)
        if request.method == .head { return responses.head(.ok) }
        return responses.json(.ok, [
            "name": .string(clusterName), "cluster_name": .string(clusterName),
            "cluster_uuid": "datamp-admin-elasticsearch-input",
            "version": [
                "number": .string(configuration.version), "build_flavor": "default", "build_type": "datamp-admin",
                "build_hash": "datamp-admin", "build_date": "2024-01-01T00:00:00.000Z", "build_snapshot": false,
                "lucene_version": "9.8.0", "minimum_wire_compatibility_version": "7.17.0",
                "minimum_index_compatibility_version": "7.0.0",
            ],
            "tagline": "You Know, for Search",
        ])
    }

    private func license(_ request: Request) -> Response {
        ElasticsearchResponses(request: request).json(.ok, [
            "license": ["status": "active", "uid": "datamp-admin", "type": "basic", "issue_date": "2024-01-01T00:00:00.000Z",
                        "issue_date_in_millis": .int(1_704_067_200_000), "max_nodes": .int(1000), "max_resource_units": .null,
                        "issued_to": "datamp-admin", "issuer": "elasticsearch", "start_date_in_millis": .int(-1)],
        ])
    }

    private func xpack(_ request: Request) -> Response {
        ElasticsearchResponses(request: request).json(.ok, [
            "build": ["hash": "datamp-admin", "date": "2024-01-01T00:00:00.000Z"],
            "license": ["uid": "datamp-admin", "type": "basic", "mode": "basic", "status": "active"],
            "features": [:],
            "tagline": "You know, for X",
        ])
    }

    private func health(_ request: Request) -> Response {
        ElasticsearchResponses(request: request).json(.ok, [
            "cluster_name": .string(clusterName), "status": "green", "timed_out": false, "number_of_nodes": .int(1),
            "number_of_data_nodes": .int(1), "active_primary_shards": .int(0), "active_shards": .int(0),
            "relocating_shards": .int(0), "initializing_shards": .int(0), "unassigned_shards": .int(0),
        ])
    }

    /// `_cat/health` answers text (rsyslog's omelasticsearch checks it before sending).
    private func catHealth() -> Response {
        let line = "\(Int(Date().timeIntervalSince1970)) 00:00:00 \(clusterName) green 1 1 0 0 0 0 0 0 - 100.0%\n"
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=UTF-8"
        headers[HTTPField.Name("X-Elastic-Product")!] = "Elasticsearch"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: line)))
    }

    // MARK: _bulk

    private func bulk(_ request: Request, context: HubRequestContext, pathIndex: String?) async -> Response {
        let started = ContinuousClock.now
        let responses = ElasticsearchResponses(request: request)
        let token: IngestToken
        switch await authenticate(request) {
        case .failure(let refusal): return refused(refusal, responses)
        case .success(let valid): token = valid
        }
        guard configuration.enabled else { return off(responses) }
        if let contentType = request.headers[.contentType], !Self.accepts(contentType: contentType) {
            return responses.json(.notAcceptable, ["error": .string("Content-Type header [\(contentType)] is not supported"), "status": .int(406)])
        }
        let limit = ingest.limits.maxBodyBytes
        let bulkRequest: BulkRequest
        do {
            let body = try await request.collectBody(upTo: limit)
            let plain = try DecodedBody.plain(body, contentEncoding: request.headers[.contentEncoding], limit: limit)
            bulkRequest = try BulkRequestParser.parse(plain, pathIndex: pathIndex)
        } catch let error as IngestError {
            return responses.error(HTTPResponse.Status(code: error.status), type: error.status == 413 ? "content_too_long_exception" : "parse_exception",
                                   reason: error.message)
        } catch let error as BulkRequestError {
            return responses.error(.badRequest, type: error.type, reason: error.reason)
        } catch {
            return responses.error(.contentTooLarge, type: "content_too_long_exception",
                                   reason: "the request body is over \(limit) bytes; send smaller bulk requests")
        }

        var failures: [Int: BulkItemError] = [:]
        var backpressure: BulkItemError?
        if bulkRequest.documentCount > 0 {
            let ingestContext = IngestContext(serviceName: token.service, clientAddress: context.clientIP,
                                              receivedAtMicros: WallClock.nowMicros())
            do {
                let receipt = try await ingest.ingest(
                    body: bulkRequest.documents, contentType: "application/x-ndjson", contentEncoding: nil, context: ingestContext,
                    reportEveryError: true, admit: { accepted in rateLimiter.take(accepted, token: token.id) })
                for error in receipt.errors {
                    failures[error.index] = BulkItemError(status: 400, type: "document_parsing_exception",
                                                          reason: "\(error.error.code): \(error.error.message)")
                }
                usage.record(tokenID: token.id, events: receipt.accepted)
            } catch {
                // The hub took none of them: Elasticsearch's answer to a full write queue, per item,
                // which shippers retry (a request-level 503 makes some drop the whole batch).
                backpressure = BulkItemError(status: 429, type: "es_rejected_execution_exception", reason: Self.reason(error))
            }
        }
        let took = ContinuousClock.now - started
        let millis = Int(took.components.seconds * 1000 + took.components.attoseconds / 1_000_000_000_000_000)
        return responses.json(.ok, BulkResponse.body(for: bulkRequest, failures: failures, backpressure: backpressure, tookMillis: millis))
    }

    static func reason(_ failure: IngestFailure) -> String {
        switch failure {
        case .spoolFull(let seconds): "the hub's local buffer is full while its stores catch up; retry after \(seconds) s"
        case .diskFull: "the hub's spool volume is full while its stores catch up; retry after 5 s"
        case .spoolUnavailable: "the hub cannot write to its local buffer; retry later"
        case .rateLimited(let seconds): "this token is over its events/s limit; retry after \(seconds) s"
        case .invalidRequest(let error): error.message
        }
    }

    /// Elasticsearch takes JSON and NDJSON, plain or as its compatibility media types (versions 7 to 9).
    static func accepts(contentType: String) -> Bool {
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch type {
        case "application/json", "application/x-ndjson", "application/vnd.elasticsearch+json", "application/vnd.elasticsearch+x-ndjson":
            guard type.hasPrefix("application/vnd."), let range = contentType.range(of: "compatible-with=") else { return true }
            return ["7", "8", "9"].contains(String(contentType[range.upperBound...].prefix { $0.isNumber }))
        default:
            return false
        }
    }

    // MARK: Credentials

    private func authenticate(_ request: Request) async -> Result<IngestToken, IngestAuthentication.Refusal> {
        await authentication.verify(ElasticsearchCredentials.token(from: request),
                                    howToSend: "missing authentication credentials for REST request [\(request.uri.path)]: send the ingest token as the Basic-auth password, or as 'Authorization: ApiKey <token>' or 'Bearer <token>'")
    }

    private func refused(_ refusal: IngestAuthentication.Refusal, _ responses: ElasticsearchResponses) -> Response {
        var headers = refusal.headers
        if refusal.status == .unauthorized {
            headers[.wwwAuthenticate] = #"Basic realm="security" charset="UTF-8""#
        }
        let type = refusal.status == .serviceUnavailable ? "status_exception" : "security_exception"
        return responses.error(refusal.status, type: type, reason: "\(refusal.code): \(refusal.message)", headers: headers)
    }

    private func off(_ responses: ElasticsearchResponses) -> Response {
        responses.error(.notFound, type: "resource_not_found_exception",
                        reason: "the Elasticsearch input of this hub is off; switch it on with inputs.elasticsearch.enabled (ADMIN_INPUTS_ELASTICSEARCH_ENABLED=true)")
    }
}
