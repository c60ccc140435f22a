/// A complete HTTP response: any status is a response (4xx/5xx included); only transport problems throw.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Headers of the final response (those of a `100 Continue` are dropped).
    public var headers: HTTPHeaders
    /// The body, already decoded if the server compressed it.
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text (invalid sequences replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// 200...299.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
