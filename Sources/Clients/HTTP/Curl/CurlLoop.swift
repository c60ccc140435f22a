internal import CCurl
import Logging

/// The body of the one thread that drives libcurl's multi interface for an `HTTPClient`.
///
/// Design: callers never touch curl. They queue a `PendingTransfer` in the `CurlInbox` and wake this
/// thread; it adds an easy handle per transfer to the multi handle, lets libcurl run every transfer
/// concurrently on non-blocking sockets, and resumes each caller's continuation when its transfer ends.
/// The multi handle keeps a cache of open connections, so consecutive requests to a host reuse a
/// keep-alive connection; finished easy handles are reset and reused as well.
final class CurlLoop {
    private let inbox: CurlInbox
    private let multi: CurlMultiHandle
    private let configuration: HTTPClientConfiguration
    private let logger: Logger
    private var active: [UInt64: CurlTransfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private let maxIdleHandles = 16

    init(inbox: CurlInbox, multi: CurlMultiHandle, configuration: HTTPClientConfiguration, logger: Logger) {
        self.inbox = inbox
        self.multi = multi
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until the inbox is stopped, then fails whatever is left with `.shutdown` and frees the handles.
    func run() {
        while true {
            let batch = inbox.take()
            for transfer in batch.pending { start(transfer) }
            for id in batch.cancelled { abort(id, .cancelled, "the calling task was cancelled") }
            if batch.stopping { break }

            var running: Int32 = 0
            _ = curl_multi_perform(multi.pointer, &running)
            collectFinished()
            // Wakes up on socket activity, on curl's own timers (within 1 s) or on `curl_multi_wakeup`.
            var ready: Int32 = 0
            _ = curl_multi_poll(multi.pointer, nil, 0, 1000, &ready)
        }
        for id in Array(active.keys) { abort(id, .shutdown, "the HTTP client was shut down") }
        for handle in idleHandles { curl_easy_cleanup(handle) }
        idleHandles.removeAll()
    }

    private func start(_ pending: PendingTransfer) {
        guard let handle = idleHandles.popLast() ?? curl_easy_init() else {
            pending.fail(.other, "curl_easy_init failed (out of memory?)")
            return
        }
        let transfer = CurlTransfer(pending: pending, handle: handle, maxBodyBytes: configuration.maxResponseBodyBytes)
        do {
            try transfer.configure(configuration)
        } catch {
            recycle(handle)
            pending.continuation.resume(returning: .failure(error))
            return
        }
        let added = curl_multi_add_handle(multi.pointer, handle)
        guard added == CURLM_OK else {
            recycle(handle)
            pending.fail(.other, "curl_multi_add_handle failed: \(String(cString: curl_multi_strerror(added)))")
            return
        }
        active[pending.id] = transfer
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi.pointer, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            // Read everything from the message now: it is invalid once the handle is removed.
            let code = ccurl_msg_result(message)
            var context: UnsafeMutableRawPointer?
            _ = ccurl_easy_getinfo_pointer(handle, CURLINFO_PRIVATE, &context)
            let id = UInt64(UInt(bitPattern: context))
            guard let transfer = active.removeValue(forKey: id) else {
                _ = curl_multi_remove_handle(multi.pointer, handle)
                continue
            }
            let result = transfer.result(for: code)
            _ = curl_multi_remove_handle(multi.pointer, handle)
            recycle(handle)
            if case .failure(let error) = result {
                logger.debug("HTTP request failed", metadata: ["http.error": "\(error)"])
            }
            transfer.pending.continuation.resume(returning: result)
        }
    }

    private func abort(_ id: UInt64, _ kind: HTTPClientError.Kind, _ message: String) {
        // Unknown ids are transfers that finished before the cancellation arrived: nothing to do.
        guard let transfer = active.removeValue(forKey: id) else { return }
        _ = curl_multi_remove_handle(multi.pointer, transfer.handle)
        recycle(transfer.handle)
        transfer.pending.fail(kind, message)
    }

    /// Keeps a few reset handles for the next requests (a reset keeps DNS and connection caches).
    private func recycle(_ handle: UnsafeMutableRawPointer) {
        if idleHandles.count < maxIdleHandles {
            curl_easy_reset(handle)
            idleHandles.append(handle)
        } else {
            curl_easy_cleanup(handle)
        }
    }
}
