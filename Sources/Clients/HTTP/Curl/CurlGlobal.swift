internal import CCurl

/// `curl_global_init` must run once per process before any other libcurl call, and is not thread-safe
/// itself; a `static let` initialiser runs exactly once, guarded by the runtime.
enum CurlGlobal {
    private static let initCode: UInt32 = curl_global_init(ccurl_global_all()).rawValue

    /// Initialises libcurl on first use; throws if libcurl could not start (out of memory, broken TLS library).
    static func ensureInitialized() throws(HTTPClientError) {
        guard initCode == CURLE_OK.rawValue else {
            throw HTTPClientError(kind: .other, method: "", url: "", curlCode: Int(initCode),
                                  message: "curl_global_init failed: \(String(cString: curl_easy_strerror(CURLcode(initCode))))")
        }
    }
}
