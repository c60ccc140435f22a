import Foundation
import HTTPTypes
import Hummingbird
import Intake
import LogModel
import NIOCore

/// Answers in Elasticsearch's own format and headers: every answer carries
/// `X-Elastic-Product: Elasticsearch` (the official clients refuse a server without it), and the
/// compatibility media type when the client asked for one (`compatible-with=8`).
struct ElasticsearchResponses {
    let compatibility: String?

    init(request: Request) {
        // `Accept: application/vnd.elasticsearch+json; compatible-with=8` → answer with the same version.
        let accept = request.headers[.accept] ?? request.headers[.contentType] ?? ""
        if accept.contains("vnd.elasticsearch"), let range = accept.range(of: "compatible-with=") {
            compatibility = String(accept[range.upperBound...].prefix { $0.isNumber })
        } else {
            compatibility = nil
        }
    }

    func json(_ status: HTTPResponse.Status, _ body: JSONValue, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = compatibility.map { "application/vnd.elasticsearch+json;compatible-with=\($0)" } ?? "application/json"
        headers[HTTPField.Name("X-Elastic-Product")!] = "Elasticsearch"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body.serialized())))
    }

    func error(_ status: HTTPResponse.Status, type: String, reason: String, headers: HTTPFields = [:]) -> Response {
        json(status, BulkResponse.error(status: Int(status.code), type: type, reason: reason), headers: headers)
    }

    /// HEAD: the headers and status of the GET, no body.
    func head(_ status: HTTPResponse.Status) -> Response {
        var response = json(status, .object([:]))
        response.body = .init()
        return response
    }
}
