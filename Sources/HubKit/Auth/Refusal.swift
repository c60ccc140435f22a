public import Hummingbird

/// An early answer from inside a handler (bad input, no permission, unknown id): thrown, caught by
/// `StaffGate.run`, and sent as it is (or, for a form post, as a page with the same message).
public struct Refusal: Error {
    public let response: Response
    /// The human text of a JSON refusal, for the page version.
    public let message: String?

    public init(_ response: Response, message: String? = nil) {
        self.response = response
        self.message = message
    }

    public static func json(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Refusal {
        Refusal(JSONResponse.error(status, code: code, message: message), message: message)
    }
}
