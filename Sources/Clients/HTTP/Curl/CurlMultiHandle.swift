internal import CCurl

/// Owns the `CURLM *` shared by the client and its loop thread.
///
/// `@unchecked Sendable` because the raw handle must cross to the loop thread: only that thread drives
/// the handle (add/remove/perform/poll); the one call made from other threads is `curl_multi_wakeup`,
/// which libcurl documents as safe to call from any thread. Freed when both owners are gone, i.e.
/// after the loop thread has removed and cleaned up every easy handle.
final class CurlMultiHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer

    init(configuration: HTTPClientConfiguration) throws(HTTPClientError) {
        guard let multi = curl_multi_init() else {
            throw HTTPClientError(kind: .other, method: "", url: "", message: "curl_multi_init failed (out of memory?)")
        }
        pointer = multi
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(0, configuration.maxConnectionsPerHost))
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, configuration.maxCachedConnections))
    }

    /// Interrupts the loop thread's `curl_multi_poll` (thread-safe per libcurl).
    func wakeup() {
        _ = curl_multi_wakeup(pointer)
    }

    deinit {
        curl_multi_cleanup(pointer)
    }
}
