internal import CCurl

/// One request in flight on the loop thread: configures an easy handle, collects the response through
/// libcurl's callbacks and turns the final `CURLcode` into a `Result`.
///
/// Lives only on the loop thread. libcurl gets `self` as an unretained pointer (`WRITEDATA`/`HEADERDATA`);
/// the loop keeps the object alive in its table until the handle is removed from the multi handle.
final class CurlTransfer {
    let pending: PendingTransfer
    let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// libcurl writes its detailed message here (`CURLOPT_ERRORBUFFER` needs `CURL_ERROR_SIZE` bytes).
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let maxBodyBytes: Int
    private(set) var body: [UInt8] = []
    private(set) var headers = HTTPHeaders()
    private var bodyTooLarge = false

    init(pending: PendingTransfer, handle: UnsafeMutableRawPointer, maxBodyBytes: Int) {
        self.pending = pending
        self.handle = handle
        self.maxBodyBytes = maxBodyBytes
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    private var request: HTTPRequest { pending.request }

    // MARK: - Setup

    /// Sets every option for this request on a fresh (or `curl_easy_reset`) handle.
    func configure(_ configuration: HTTPClientConfiguration) throws(HTTPClientError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        try set(ccurl_easy_setopt_string(handle, CURLOPT_URL, request.url), "URL")
        // Curl must not use signals (SIGALRM for DNS timeouts) in a multi-threaded process.
        try set(ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        try set(ccurl_easy_setopt_pointer(handle, CURLOPT_PRIVATE, UnsafeMutableRawPointer(bitPattern: UInt(pending.id))), "PRIVATE")
        try set(ccurl_easy_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteBody), "WRITEFUNCTION")
        try set(ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context), "WRITEDATA")
        try set(ccurl_easy_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader), "HEADERFUNCTION")
        try set(ccurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context), "HEADERDATA")
        try set(ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)), "ERRORBUFFER")
        // Only plain HTTP(S): a URL from configuration must not make curl speak FILE, GOPHER or SMTP.
        try set(ccurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"), "PROTOCOLS_STR")
        try set(ccurl_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0), "FOLLOWLOCATION")

        let timeoutMillis = Self.milliseconds(request.timeout)
        try set(ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeoutMillis), "TIMEOUT_MS")
        try set(ccurl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS,
                                       min(timeoutMillis, Self.milliseconds(configuration.connectTimeout))), "CONNECTTIMEOUT_MS")

        if configuration.acceptCompressedResponses {
            // "" = every encoding this libcurl can decode; the body handed back is decoded.
            try set(ccurl_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""), "ACCEPT_ENCODING")
        }
        if !configuration.verifyTLS {
            try set(ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0), "SSL_VERIFYPEER")
            try set(ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0), "SSL_VERIFYHOST")
        }
        if let caBundle = configuration.caBundlePath {
            try set(ccurl_easy_setopt_string(handle, CURLOPT_CAINFO, caBundle), "CAINFO")
        }
        if let tls = request.tls {
            // Per request: curl only reuses a connection whose TLS settings match, so CORE's client
            // certificate never rides on a connection opened for another host.
            if let path = tls.certificatePath { try set(ccurl_easy_setopt_string(handle, CURLOPT_SSLCERT, path), "SSLCERT") }
            if let path = tls.keyPath { try set(ccurl_easy_setopt_string(handle, CURLOPT_SSLKEY, path), "SSLKEY") }
            if let path = tls.caPath { try set(ccurl_easy_setopt_string(handle, CURLOPT_CAINFO, path), "CAINFO") }
        }
        try configureMethodAndBody()
        try configureHeaders(userAgent: configuration.userAgent)
    }

    private func configureMethodAndBody() throws(HTTPClientError) {
        let method = request.method
        let sendsBody = !request.body.isEmpty || method == .post || method == .put || method == .patch
        if method == .head {
            try set(ccurl_easy_setopt_long(handle, CURLOPT_NOBODY, 1), "NOBODY")
            return
        }
        if sendsBody {
            try set(ccurl_easy_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)), "POSTFIELDSIZE_LARGE")
            // COPYPOSTFIELDS: curl keeps its own copy, so the Swift array need not outlive this call.
            let code = request.body.withUnsafeBytes { bytes -> CURLcode in
                guard let base = bytes.baseAddress, !bytes.isEmpty else {
                    return ccurl_easy_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
                }
                return ccurl_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
            }
            try set(code, "COPYPOSTFIELDS")
            if method != .post {
                try set(ccurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method.rawValue), "CUSTOMREQUEST")
            }
        } else if method == .get {
            try set(ccurl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1), "HTTPGET")
        } else {
            try set(ccurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method.rawValue), "CUSTOMREQUEST")
        }
    }

    private func configureHeaders(userAgent: String) throws(HTTPClientError) {
        var lines: [String] = []
        for field in request.headers {
            // "Name;" is curl's way to send a header with an empty value ("Name:" would remove it).
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        if !request.headers.contains("User-Agent") { lines.append("User-Agent: \(userAgent)") }
        // Curl waits up to 1 s for "100 Continue" on larger bodies; our servers answer directly.
        if !request.headers.contains("Expect") { lines.append("Expect:") }
        // With POSTFIELDS curl would claim a form body; without a caller's type, send none.
        if !request.headers.contains("Content-Type") { lines.append("Content-Type:") }
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw error(.other, code: 0, "curl_slist_append failed (out of memory?)")
            }
            headerList = appended
        }
        try set(ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "HTTPHEADER")
    }

    private func set(_ code: CURLcode, _ option: String) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            let kind: HTTPClientError.Kind = code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_URL_MALFORMAT ? .invalidRequest : .other
            throw error(kind, code: Int(code.rawValue), "cannot set CURLOPT_\(option): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let millis = seconds.multipliedReportingOverflow(by: 1000)
        guard !millis.overflow else { return Int.max / 2 }
        return max(1, Int(millis.partialValue + attoseconds / 1_000_000_000_000_000))
    }

    // MARK: - Callbacks

    /// Returns false once the body passes the limit; curl then aborts with `CURLE_WRITE_ERROR`.
    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maxBodyBytes else {
            bodyTooLarge = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        if bytes.starts(with: "HTTP/".utf8) {
            // A new status line: an interim response (100 Continue) or a new response; keep only the last.
            headers = HTTPHeaders()
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: bytes[..<colon], as: UTF8.self)
        // Bytes, not Characters: Swift treats "\r\n" as one Character, which a Character trim would miss.
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        var start = colon + 1
        var end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        headers.add(name: name, value: String(decoding: bytes[start..<end], as: UTF8.self))
    }

    // MARK: - Outcome

    func result(for code: CURLcode) -> Result<HTTPResponse, HTTPClientError> {
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            if bodyTooLarge {
                return .failure(error(.responseTooLarge, code: Int(code.rawValue),
                                      "response body larger than \(maxBodyBytes) bytes (HTTPClientConfiguration.maxResponseBodyBytes)"))
            }
            let kind = CurlErrorKind.classify(code)
            let message = kind == .timeout ? "no complete response within \(request.timeout): \(text)" : text
            return .failure(error(kind, code: Int(code.rawValue), message))
        }
        var status = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: headers, body: body))
    }

    func error(_ kind: HTTPClientError.Kind, code: Int, _ message: String) -> HTTPClientError {
        HTTPClientError(kind: kind, method: request.method.rawValue, url: request.displayURL, curlCode: code, message: message)
    }
}

/// `CURLOPT_WRITEFUNCTION`: a capture-free function so Swift can pass it as a C function pointer.
private func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let total = size * count
    guard let data, total > 0 else { return total }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.appendBody(UnsafeRawBufferPointer(start: data, count: total)) ? total : 0
}

/// `CURLOPT_HEADERFUNCTION`: called once per complete header line, status lines included.
private func curlWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let total = size * count
    guard let data, total > 0 else { return total }
    Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        .appendHeaderLine(UnsafeRawBufferPointer(start: data, count: total))
    return total
}
