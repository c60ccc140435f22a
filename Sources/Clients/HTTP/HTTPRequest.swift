import Secrets

/// One HTTP request for `HTTPClient.execute`.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// Absolute `http://` or `https://` URL. May carry `user:password@` (curl then sends Basic auth),
    /// but prefer an `Authorization` header.
    public var url: String
    public var headers: HTTPHeaders
    /// Sent as is (no form encoding). Empty with POST/PUT/PATCH sends `Content-Length: 0`.
    public var body: [UInt8]
    /// Whole transfer, connecting included. On expiry `execute` throws an error whose `kind` is `.timeout`.
    public var timeout: Duration
    /// What errors and logs show instead of `url`. Defaults to `url` without `user:password@`; set it
    /// when a secret sits in the path or query (a Telegram bot token, a Sentry key).
    public var displayURL: String
    /// Mutual TLS for this request only (CORE): a client certificate and key (PEM files) and the CA
    /// that must have signed the server's certificate. Nil = the client's defaults.
    public var tls: ClientTLS?

    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        timeout: Duration = .seconds(30),
        displayURL: String? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.displayURL = displayURL ?? Self.withoutCredentials(url)
    }

    /// Files curl reads for a mutual-TLS request (`CURLOPT_SSLCERT`, `CURLOPT_SSLKEY`, `CURLOPT_CAINFO`).
    public struct ClientTLS: Sendable, Equatable {
        public var certificatePath: String?
        public var keyPath: String?
        public var caPath: String?

        public init(certificatePath: String? = nil, keyPath: String? = nil, caPath: String? = nil) {
            self.certificatePath = certificatePath
            self.keyPath = keyPath
            self.caPath = caPath
        }
    }

    /// `url` with its password (userinfo or `password=` query value) masked, safe to log; other
    /// secrets in the path or query are not detected. See `CredentialRedaction`.
    public static func withoutCredentials(_ url: String) -> String {
        CredentialRedaction.redactCredentials(in: url)
    }
}
