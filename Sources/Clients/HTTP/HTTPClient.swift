import Foundation
import Logging

/// An async HTTP/1.1 client over libcurl.
///
/// Guarantees:
/// - Callers never block: one dedicated thread per client drives libcurl's multi interface, so many
///   requests run concurrently and no Swift concurrency or NIO thread ever waits on the network.
/// - Connections are kept alive and reused between requests to the same host.
/// - Every HTTP status is a response; only transport problems throw, as `HTTPClientError` with a kind
///   (`.timeout`, `.connectionFailed`, ...), libcurl's code and message, and the URL without credentials.
/// - Cancelling the calling task aborts the transfer and throws `.cancelled`.
/// - Header values are never logged.
///
/// Create one client per process (or per destination family) and share it; `shutdown()` (or releasing the
/// last reference) fails outstanding requests with `.shutdown` and stops the thread.
public final class HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    private let inbox: CurlInbox
    private let multi: CurlMultiHandle

    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration(),
                logger: Logger = Logger(label: "datamp.http")) throws(HTTPClientError) {
        try CurlGlobal.ensureInitialized()
        self.configuration = configuration
        let inbox = CurlInbox()
        let multi = try CurlMultiHandle(configuration: configuration)
        self.inbox = inbox
        self.multi = multi
        let thread = Thread {
            CurlLoop(inbox: inbox, multi: multi, configuration: configuration, logger: logger).run()
        }
        thread.name = "datamp.http.curl"
        thread.start()
    }

    deinit {
        shutdown()
    }

    /// Fails queued and running requests with `.shutdown` and ends the client's thread. Idempotent.
    public func shutdown() {
        if inbox.stop() { multi.wakeup() }
    }

    /// Sends `request` and returns the complete response, whatever its status.
    public func execute(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPResponse {
        try RequestValidation.check(request)
        // The caller may hold no other reference (`try await HTTPClient().execute(...)`): without this,
        // releasing `self` mid-request would run `deinit` and shut the transfer down.
        defer { withExtendedLifetime(self) {} }
        let id = inbox.makeID()
        let inbox = self.inbox
        let multi = self.multi
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, HTTPClientError>, Never>) in
                let pending = PendingTransfer(id: id, request: request, continuation: continuation)
                switch inbox.submit(pending) {
                case nil: multi.wakeup()
                case .cancelled?: pending.fail(.cancelled, "the calling task was cancelled")
                case let kind?: pending.fail(kind, "the HTTP client was shut down")
                }
            }
        } onCancel: {
            if let pending = inbox.cancel(id) {
                pending.fail(.cancelled, "the calling task was cancelled")
            } else {
                multi.wakeup()
            }
        }
        return try result.get()
    }
}
