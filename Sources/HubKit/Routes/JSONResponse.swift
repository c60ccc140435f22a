public import Hummingbird
public import LogModel
public import NIOCore

/// Builds JSON responses from `JSONValue`, so key order is what the API documentation shows and
/// numbers and booleans are never confused.
public enum JSONResponse {
    public static func make(_ status: HTTPResponse.Status, _ body: JSONValue, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/json"
        let bytes = body.serialized()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The contract's error body: `{"error": "<code>", "message": "<human text>"}`.
    public static func error(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) -> Response {
        make(status, ["error": .string(code), "message": .string(message)], headers: headers)
    }
}
