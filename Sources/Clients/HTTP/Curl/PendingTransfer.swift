/// A request handed from a Swift task to the loop thread, with the continuation that receives its outcome.
struct PendingTransfer: Sendable {
    let id: UInt64
    let request: HTTPRequest
    let continuation: CheckedContinuation<Result<HTTPResponse, HTTPClientError>, Never>

    func fail(_ kind: HTTPClientError.Kind, _ message: String) {
        continuation.resume(returning: .failure(HTTPClientError(
            kind: kind, method: request.method.rawValue, url: request.displayURL, message: message)))
    }
}
