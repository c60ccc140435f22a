import ClientHTTP
import TestSupport

extension HubTestCase {
    /// An HTTP proxy in front of the Elasticsearch stand-in, for faults the stand-in cannot produce:
    /// `intercept` answers a request itself (a 429, a 503) or returns nil to forward it upstream.
    func elasticsearchProxy(intercept: @escaping @Sendable (RecordedRequest) -> RecordingResponse?) async throws -> RecordingHTTPServer {
        let upstream = elasticsearchURL
        return try await RecordingHTTPServer.start { request in
            if let answer = intercept(request) { return answer }
            var headers = HTTPHeaders()
            for field in request.headers where !["host", "content-length", "connection"].contains(field.name.lowercased()) {
                headers.add(name: field.name, value: field.value)
            }
            do {
                let method = HTTPMethod(rawValue: request.method) ?? .get
                let answer = try await SharedHTTP.client.execute(HTTPRequest(method: method, url: upstream + request.uri, headers: headers,
                                                                             body: request.body, timeout: .seconds(30)))
                var back = HTTPHeaders()
                if let type = answer.headers["Content-Type"] { back.add(name: "Content-Type", value: type) }
                return RecordingResponse(status: answer.status, headers: back, body: answer.body)
            } catch {
                return .text("proxy: \(error)", status: 502)
            }
        }
    }
}
