import HubKit
import Hummingbird
import Intake
import Pipeline

/// The JSON answer to a request the intake refused as a whole (nothing of it was stored), the same
/// for every input that answers in the hub's own format.
enum IngestFailureAnswer {
    static func response(_ error: IngestFailure, rateLimiter: TokenRateLimiter) -> Response {
        switch error {
        case .invalidRequest(let failure):
            return JSONResponse.error(HTTPResponse.Status(code: failure.status), code: failure.code, message: failure.message)
        case .spoolFull(let retryAfter):
            return JSONResponse.error(.serviceUnavailable, code: "spool_full",
                                      message: "the hub's local buffer is full while the stores catch up; retry after \(retryAfter) s",
                                      headers: [.retryAfter: String(retryAfter)])
        case .diskFull:
            return JSONResponse.error(.serviceUnavailable, code: "spool_disk_full",
                                      message: "the hub's disk (the spool volume) is full while the stores catch up; retry after 5 s",
                                      headers: [.retryAfter: "5"])
        case .spoolUnavailable:
            return JSONResponse.error(.serviceUnavailable, code: "spool_unavailable",
                                      message: "the hub cannot write to its local buffer; retry later",
                                      headers: [.retryAfter: "5"])
        case .rateLimited(let retryAfter):
            return JSONResponse.error(.tooManyRequests, code: "rate_limited",
                                      message: "this token is over its limit of \(rateLimiter.eventsPerSecondText) events/s; retry after \(retryAfter) s",
                                      headers: [.retryAfter: String(retryAfter)])
        }
    }
}
