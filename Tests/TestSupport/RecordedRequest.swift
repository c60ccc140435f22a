import ClientHTTP

/// One request as `RecordingHTTPServer` received it (body fully reassembled, chunked or not).
public struct RecordedRequest: Sendable, Equatable {
    public var method: String
    /// Path and query exactly as sent (`/_bulk?refresh=wait_for`).
    public var uri: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// 1 for the first TCP connection the server accepted, 2 for the next, ...: tells keep-alive reuse apart.
    public var connectionNumber: Int

    public init(method: String, uri: String, headers: HTTPHeaders, body: [UInt8], connectionNumber: Int) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
        self.connectionNumber = connectionNumber
    }

    /// The part of `uri` before `?`.
    public var path: String {
        uri.firstIndex(of: "?").map { String(uri[..<$0]) } ?? uri
    }

    /// The part of `uri` after `?`, or nil.
    public var query: String? {
        uri.firstIndex(of: "?").map { String(uri[uri.index(after: $0)...]) }
    }

    /// Query parameters (not percent-decoded; the last of a repeated name wins).
    public var queryItems: [String: String] {
        guard let query else { return [:] }
        var items: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            items[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return items
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
