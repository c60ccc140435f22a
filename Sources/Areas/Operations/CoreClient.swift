import ClientHTTP
import Foundation
import LogModel
import Operations

/// CORE's internal API through the hub's one libcurl client (docs/core-api.md): bearer token,
/// `X-Request-ID`, `X-Admin-Actor`, `Idempotency-Key` on mutations, optional mutual TLS.
struct CoreClient: Sendable {
    let http: HTTPClient
    let baseURL: String
    let token: String
    let timeout: Duration
    let tls: HTTPRequest.ClientTLS?

    /// What one call came to.
    enum Outcome: Sendable, Equatable {
        /// 2xx: applied (or, for a look-up, answered).
        case applied(status: Int, body: String)
        /// 4xx: CORE refused and applied nothing.
        case refused(status: Int, code: String, message: String, body: String)
        /// Timeout, reset, 5xx, 429, a key still in use: CORE may or may not have applied it.
        case uncertain(reason: String)
    }

    /// The answer of `GET /internal/v1/idempotency/{key}`.
    enum Stored: Sendable, Equatable {
        case found(status: Int, body: String)
        case notFound
        case unanswered(reason: String)
    }

    func call(_ plan: CoreRequestPlan, actor: Int64, idempotencyKey: String?) async -> Outcome {
        var headers = baseHeaders(actor: actor)
        var body: [UInt8] = []
        if let json = plan.body {
            body = json.serialized()
            headers.add(name: "Content-Type", value: "application/json")
        }
        if let idempotencyKey { headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        let method: ClientHTTP.HTTPMethod = plan.method == "GET" ? .get : .post
        let response: HTTPResponse
        do {
            response = try await http.execute(request(method, plan.pathAndQuery, headers: headers, body: body))
        } catch {
            return .uncertain(reason: "\(error.kind.rawValue): \(error.message)")
        }
        return Self.classify(response)
    }

    func stored(key: String, actor: Int64) async -> Stored {
        let response: HTTPResponse
        do {
            response = try await http.execute(request(.get, "/internal/v1/idempotency/\(CoreRequestPlan.percentEncoded(key))",
                                                      headers: baseHeaders(actor: actor), body: []))
        } catch {
            return .unanswered(reason: "\(error.kind.rawValue): \(error.message)")
        }
        switch response.status {
        case 200:
            guard let json = try? JSONParser.parse(response.body), let status = json["http_status"]?.int64Value else {
                return .unanswered(reason: "CORE's idempotency record is not {http_status, body}: \(response.bodyText.prefix(200))")
            }
            return .found(status: Int(status), body: json["body"]?.jsonString ?? "null")
        case 404: return .notFound
        default: return .unanswered(reason: "GET idempotency answered \(response.status): \(response.bodyText.prefix(200))")
        }
    }

    static func classify(_ response: HTTPResponse) -> Outcome {
        let text = response.bodyText
        switch response.status {
        case 200..<300:
            return .applied(status: response.status, body: text)
        case 400..<500 where ![408, 425, 429].contains(response.status):
            let json = try? JSONParser.parse(response.body)
            let code = json?["error"]?.stringValue ?? "core_\(response.status)"
            // Another call with this key is still running in CORE: its outcome is not known yet.
            if response.status == 409, code == "idempotency_key_in_use" { return .uncertain(reason: "the key is still in use in CORE") }
            return .refused(status: response.status, code: code, message: json?["message"]?.stringValue ?? String(text.prefix(300)), body: text)
        default:
            return .uncertain(reason: "CORE answered \(response.status)")
        }
    }

    private func baseHeaders(actor: Int64) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(token)")
        headers.add(name: "X-Request-ID", value: UUID().uuidString.lowercased())
        headers.add(name: "X-Admin-Actor", value: String(actor))
        headers.add(name: "Accept", value: "application/json")
        return headers
    }

    private func request(_ method: ClientHTTP.HTTPMethod, _ path: String, headers: HTTPHeaders, body: [UInt8]) -> HTTPRequest {
        var request = HTTPRequest(method: method, url: baseURL + path, headers: headers, body: body, timeout: timeout)
        request.tls = tls
        return request
    }
}
