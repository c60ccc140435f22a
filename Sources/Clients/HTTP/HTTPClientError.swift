/// Why an HTTP request got no response. HTTP error statuses are not errors: they come back as `HTTPResponse`.
///
/// `url` never holds credentials (it is the request's `displayURL`), so the error is safe to log and show.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The request did not finish within its timeout (connecting or transferring).
        case timeout
        /// No connection could be made: refused, host unknown, no route.
        case connectionFailed
        /// The connection broke mid-request; the server may or may not have acted on it.
        case connectionLost
        /// TLS handshake or certificate verification failed.
        case tls
        /// The request cannot be sent as given (bad URL, scheme not http/https, CR/LF in a header).
        case invalidRequest
        /// The response body passed `HTTPClientConfiguration.maxResponseBodyBytes`.
        case responseTooLarge
        /// The calling task was cancelled.
        case cancelled
        /// The client was shut down before the request finished.
        case shutdown
        /// Anything else libcurl reported.
        case other
    }

    public var kind: Kind
    public var method: String
    /// The request's URL without credentials.
    public var url: String
    /// libcurl's `CURLcode` (0 when the error did not come from libcurl).
    public var curlCode: Int
    /// libcurl's own explanation, or ours.
    public var message: String

    public init(kind: Kind, method: String, url: String, curlCode: Int = 0, message: String) {
        self.kind = kind
        self.method = method
        self.url = url
        self.curlCode = curlCode
        self.message = message
    }

    public var isTimeout: Bool { kind == .timeout }

    /// The server was never reached or the connection dropped: another host (or a later try) may work.
    public var isConnectionFailure: Bool { kind == .connectionFailed || kind == .connectionLost }

    public var description: String {
        let code = curlCode == 0 ? "" : " (curl \(curlCode))"
        return "\(method) \(url): \(kind.rawValue)\(code): \(message)"
    }
}
