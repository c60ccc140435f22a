/// Settings shared by every request of one `HTTPClient`.
public struct HTTPClientConfiguration: Sendable {
    /// Upper bound for establishing a connection (capped by each request's own timeout).
    public var connectTimeout: Duration
    /// Concurrent connections to one host; more transfers wait for a free connection. 0 = no limit.
    public var maxConnectionsPerHost: Int
    /// Idle keep-alive connections kept open for reuse, over all hosts.
    public var maxCachedConnections: Int
    /// A response body larger than this fails the request with `.responseTooLarge` (protects memory).
    public var maxResponseBodyBytes: Int
    /// Sent as `User-Agent` unless a request sets its own.
    public var userAgent: String
    /// Extra CA bundle (PEM file) for servers with a private CA; nil = the system's.
    public var caBundlePath: String?
    /// Verify TLS certificates and host names. Turn off only for a test cluster with a self-signed certificate.
    public var verifyTLS: Bool
    /// Ask for gzip/deflate responses and decode them (`Accept-Encoding`).
    public var acceptCompressedResponses: Bool

    public init(
        connectTimeout: Duration = .seconds(10),
        maxConnectionsPerHost: Int = 16,
        maxCachedConnections: Int = 32,
        maxResponseBodyBytes: Int = 64 << 20,
        userAgent: String = "datamp-admin/1",
        caBundlePath: String? = nil,
        verifyTLS: Bool = true,
        acceptCompressedResponses: Bool = true
    ) {
        self.connectTimeout = connectTimeout
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.maxCachedConnections = maxCachedConnections
        self.maxResponseBodyBytes = maxResponseBodyBytes
        self.userAgent = userAgent
        self.caBundlePath = caBundlePath
        self.verifyTLS = verifyTLS
        self.acceptCompressedResponses = acceptCompressedResponses
    }
}
