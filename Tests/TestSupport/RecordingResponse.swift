import ClientHTTP

/// What `RecordingHTTPServer` answers to one request.
public struct RecordingResponse: Sendable {
    public var status: Int
    /// Sent as given; `Content-Length` is added when missing.
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Close the connection without sending anything (simulates a crashed or cut-off server).
    public var closeWithoutResponse: Bool

    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], closeWithoutResponse: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.closeWithoutResponse = closeWithoutResponse
    }

    /// A JSON body with `Content-Type: application/json`.
    public static func json(_ text: String, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> RecordingResponse {
        var all = headers
        if !all.contains("Content-Type") { all.add(name: "Content-Type", value: "application/json") }
        return RecordingResponse(status: status, headers: all, body: Array(text.utf8))
    }

    /// A plain-text body.
    public static func text(_ text: String, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> RecordingResponse {
        var all = headers
        if !all.contains("Content-Type") { all.add(name: "Content-Type", value: "text/plain; charset=utf-8") }
        return RecordingResponse(status: status, headers: all, body: Array(text.utf8))
    }

    /// Drops the connection without an answer.
    public static let dropConnection = RecordingResponse(status: 0, closeWithoutResponse: true)
}
