public import ClientHTTP
import Foundation
import Synchronization

/// Where the cluster is and how to authenticate: the part of the Elasticsearch settings that every
/// user of the cluster (the sink, search, retention) shares.
public struct ElasticsearchConnection: Sendable, Equatable {
    /// Base URLs of the cluster's nodes; requests go round-robin.
    public var urls: [String]
    /// Basic auth. Set both or neither.
    public var username: String?
    public var password: String?
    /// An API key as Elasticsearch prints it (`encoded`), sent as `Authorization: ApiKey …`.
    public var apiKey: String?
    /// Per HTTP request, connecting included.
    public var requestTimeout: Duration

    public init(urls: [String], username: String? = nil, password: String? = nil, apiKey: String? = nil,
                requestTimeout: Duration = .seconds(30)) {
        self.urls = urls
        self.username = username
        self.password = password
        self.apiKey = apiKey
        self.requestTimeout = requestTimeout
    }
}

/// Sends requests to the cluster: picks the node round-robin, skips a node that refuses connections,
/// adds the credentials. Credentials go only into the `Authorization` header, never into a URL that
/// could end up in an error or a log. The hub creates one and lends it to the sink and to search.
public final class ElasticsearchTransport: Sendable {
    private let client: HTTPClient
    private let baseURLs: [String]
    private let authorization: String?
    private let timeout: Duration
    private let nextNode = Atomic<Int>(0)

    public init(client: HTTPClient, connection: ElasticsearchConnection) {
        self.client = client
        baseURLs = connection.urls.map { url in
            var trimmed = url
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            return trimmed
        }
        if let apiKey = connection.apiKey {
            authorization = "ApiKey \(apiKey)"
        } else if let username = connection.username, let password = connection.password {
            authorization = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        } else {
            authorization = nil
        }
        timeout = connection.requestTimeout
    }

    /// Sends `method path` to one node. A node that cannot be connected to (refused, unknown host) is
    /// skipped in favour of the next; any other failure is returned as is (the request may have arrived).
    /// `timeout` overrides the connection's request timeout (health probes use a short one).
    public func execute(_ method: HTTPMethod, _ path: String, body: [UInt8] = [], contentType: String? = nil,
                        timeout: Duration? = nil) async throws(HTTPClientError) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/json")
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        if let authorization { headers.add(name: "Authorization", value: authorization) }

        let start = nextNode.wrappingAdd(1, ordering: .relaxed).oldValue
        var lastError: HTTPClientError?
        for attempt in 0..<baseURLs.count {
            let base = baseURLs[Int(UInt(bitPattern: start &+ attempt) % UInt(baseURLs.count))]
            let request = HTTPRequest(method: method, url: base + path, headers: headers, body: body, timeout: timeout ?? self.timeout)
            do {
                return try await client.execute(request)
            } catch where error.kind == .connectionFailed {
                lastError = error
            }
        }
        throw lastError ?? HTTPClientError(kind: .invalidRequest, method: method.rawValue, url: path, message: "no Elasticsearch URL configured")
    }
}
