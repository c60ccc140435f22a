import ClientHTTP
import Foundation
import Synchronization

/// Sends requests to the cluster: picks the node round-robin, skips a node that refuses connections,
/// adds the credentials. Credentials go only into the `Authorization` header, never into a URL that
/// could end up in an error or a log.
final class ElasticsearchTransport: Sendable {
    private let client: HTTPClient
    private let baseURLs: [String]
    private let authorization: String?
    private let timeout: Duration
    private let nextNode = Atomic<Int>(0)

    init(client: HTTPClient, configuration: ElasticsearchSinkConfiguration) {
        self.client = client
        baseURLs = configuration.urls.map { url in
            var trimmed = url
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            return trimmed
        }
        if let apiKey = configuration.apiKey {
            authorization = "ApiKey \(apiKey)"
        } else if let username = configuration.username, let password = configuration.password {
            authorization = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        } else {
            authorization = nil
        }
        timeout = configuration.requestTimeout
    }

    /// Sends `method path` to one node. A node that cannot be connected to (refused, unknown host) is
    /// skipped in favour of the next; any other failure is returned as is (the request may have arrived).
    func execute(_ method: HTTPMethod, _ path: String, body: [UInt8] = [], contentType: String? = nil) async throws(HTTPClientError) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/json")
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        if let authorization { headers.add(name: "Authorization", value: authorization) }

        let start = nextNode.wrappingAdd(1, ordering: .relaxed).oldValue
        var lastError: HTTPClientError?
        for attempt in 0..<baseURLs.count {
            let base = baseURLs[Int(UInt(bitPattern: start &+ attempt) % UInt(baseURLs.count))]
            let request = HTTPRequest(method: method, url: base + path, headers: headers, body: body, timeout: timeout)
            do {
                return try await client.execute(request)
            } catch where error.kind == .connectionFailed {
                lastError = error
            }
        }
        throw lastError ?? HTTPClientError(kind: .invalidRequest, method: method.rawValue, url: path, message: "no Elasticsearch URL configured")
    }
}
