import ClientHTTP
import Foundation
import TestSupport
import XCTest

/// The real `admin dashboards install` against a recording server that answers as OpenSearch
/// Dashboards' saved-objects import does (no OpenSearch Dashboards or Kibana server exists on this
/// machine: neither is packaged in Debian or PyPI).
final class DashboardsInstallTests: XCTestCase {
    private static let committedPath = packageRoot() + "/dashboards/opensearch-dashboards/datamp-admin.ndjson"
    private static let okAnswer = """
        {"success":true,"successCount":2,"successResults":[{"type":"index-pattern","id":"datamp-admin-logs","meta":{"title":"datamp-logs-*","icon":"indexPatternApp"}},{"type":"dashboard","id":"datamp-admin-overview","meta":{"title":"DataMP Admin: logs","icon":"dashboardApp"}}]}
        """

    func testImportsTheCommittedObjectsAsAMultipartFormWithXSRFHeadersAndBasicAuth() async throws {
        let server = try await RecordingHTTPServer.start { _ in .json(Self.okAnswer) }
        defer { Task { await server.stop() } }
        let run = try await admin(["dashboards", "install", "--url", server.baseURL + "/", "--user", "admin", "--password", "s3cret:x"])
        XCTAssertEqual(run.status, 0, run.text)
        XCTAssertTrue(run.text.contains("imported  index-pattern datamp-admin-logs (datamp-logs-*)"), run.text)
        XCTAssertTrue(run.text.contains("imported 2 saved objects into \(server.baseURL)/api/saved_objects/_import?overwrite=true"), run.text)

        let request = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/api/saved_objects/_import")
        XCTAssertEqual(request.query, "overwrite=true")
        XCTAssertEqual(request.headers["osd-xsrf"], "true")
        XCTAssertEqual(request.headers["kbn-xsrf"], "true")
        XCTAssertEqual(request.headers["Authorization"], "Basic " + Data("admin:s3cret:x".utf8).base64EncodedString())
        let file = try Self.filePart(of: request)
        XCTAssertEqual(file.fileName, "datamp-admin.ndjson")
        XCTAssertEqual(file.content, Array(try Data(contentsOf: URL(fileURLWithPath: Self.committedPath))))
    }

    func testApiKeySpaceAndAnotherFile() async throws {
        let server = try await RecordingHTTPServer.start { _ in .json(#"{"success":true,"successCount":1}"#) }
        defer { Task { await server.stop() } }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let custom = Array(#"{"type":"index-pattern","id":"mine","attributes":{"title":"x-*"},"references":[]}"#.utf8) + [10]
        try Data(custom).write(to: URL(fileURLWithPath: directory.path + "/mine.json"))
        let run = try await admin(["dashboards", "install", "--url", server.baseURL + "/kibana", "--space", "ops", "--file", directory.path + "/mine.json"],
                                  environment: ["ADMIN_DASHBOARDS_API_KEY": "aWQ6a2V5"])
        XCTAssertEqual(run.status, 0, run.text)
        XCTAssertTrue(run.text.contains("imported 1 saved objects"), run.text)
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(request.uri, "/kibana/s/ops/api/saved_objects/_import?overwrite=true")
        XCTAssertEqual(request.headers["Authorization"], "ApiKey aWQ6a2V5")
        let file = try Self.filePart(of: request)
        XCTAssertEqual(file.fileName, "mine.ndjson")
        XCTAssertEqual(file.content, custom)
    }

    /// A hub with another `elasticsearch.index_prefix` gets an index pattern over its own indices.
    func testIndexPrefixRewritesOnlyTheIndexPatternsTitle() async throws {
        let server = try await RecordingHTTPServer.start { _ in .json(Self.okAnswer) }
        defer { Task { await server.stop() } }
        let run = try await admin(["dashboards", "install", "--url", server.baseURL], environment: ["ADMIN_ELASTICSEARCH_INDEX_PREFIX": "shop-logs"])
        XCTAssertEqual(run.status, 0, run.text)
        let sent = try Self.filePart(of: try XCTUnwrap(server.requests.first)).content
        let committed = Array(try Data(contentsOf: URL(fileURLWithPath: Self.committedPath)))
        let sentLines = sent.split(separator: 10), committedLines = committed.split(separator: 10)
        XCTAssertEqual(sentLines.count, committedLines.count)
        for (mine, theirs) in zip(sentLines, committedLines) {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(mine)) as? [String: Any])
            if object["type"] as? String == "index-pattern" {
                XCTAssertEqual((object["attributes"] as? [String: Any])?["title"] as? String, "shop-logs-*")
                XCTAssertEqual((object["attributes"] as? [String: Any])?["timeFieldName"] as? String, "@timestamp")
            } else {
                XCTAssertEqual(Array(mine), Array(theirs), "only the index pattern changes")
            }
        }
        let bad = try await admin(["dashboards", "install", "--url", server.baseURL, "--index-prefix", "Shop*"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.text.contains("--index-prefix 'Shop*' must be lowercase"), bad.text)
        XCTAssertEqual(server.requests.count, 1, "nothing sent for a bad prefix")
    }

    func testPerObjectErrorsFailTheCommandAndNameTheObject() async throws {
        let answer = """
            {"success":false,"successCount":5,"errors":[{"id":"datamp-admin-errors-by-service","type":"visualization","title":"DataMP errors by service and type","meta":{"title":"DataMP errors by service and type"},"error":{"type":"missing_references","references":[{"type":"search","id":"datamp-admin-errors"}]}},{"id":"datamp-admin-logs","type":"index-pattern","error":{"type":"unknown","message":"version conflict","statusCode":409}}]}
            """
        let server = try await RecordingHTTPServer.start { _ in .json(answer) }
        defer { Task { await server.stop() } }
        let run = try await admin(["dashboards", "install", "--url", server.baseURL])
        XCTAssertNotEqual(run.status, 0, run.text)
        XCTAssertTrue(run.text.contains("FAILED    visualization datamp-admin-errors-by-service (DataMP errors by service and type): missing_references: missing search/datamp-admin-errors"), run.text)
        XCTAssertTrue(run.text.contains("FAILED    index-pattern datamp-admin-logs: unknown: version conflict"), run.text)
        XCTAssertTrue(run.text.contains("imported 5, failed 2 saved objects"), run.text)
        XCTAssertNil(server.requests.first?.headers["Authorization"])
    }

    func testErrorStatusesAndAnUnreachableServerFailWithAClearMessage() async throws {
        let server = try await RecordingHTTPServer.start { request in
            request.headers["Authorization"] == nil
                ? .json(#"{"statusCode":401,"error":"Unauthorized","message":"[security_exception] missing authentication credentials"}"#, status: 401)
                : .json(#"{"statusCode":400,"error":"Bad Request","message":"Invalid file extension .json"}"#, status: 400)
        }
        defer { Task { await server.stop() } }
        let unauthorized = try await admin(["dashboards", "install", "--url", server.baseURL])
        XCTAssertNotEqual(unauthorized.status, 0)
        XCTAssertTrue(unauthorized.text.contains("answered HTTP 401"), unauthorized.text)
        XCTAssertTrue(unauthorized.text.contains("missing authentication credentials"), unauthorized.text)
        let bad = try await admin(["dashboards", "install", "--url", server.baseURL, "--api-key", "k"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.text.contains("answered HTTP 400") && bad.text.contains("Invalid file extension"), bad.text)

        let closed = try await admin(["dashboards", "install", "--url", "http://127.0.0.1:\(freeLocalPort())"])
        XCTAssertNotEqual(closed.status, 0)
        XCTAssertTrue(closed.text.contains("cannot reach the server: POST http://127.0.0.1:"), closed.text)
        XCTAssertTrue(closed.text.contains("connectionFailed"), closed.text)

        let invalid = try await admin(["dashboards", "install", "--url", "localhost:5601", "--user", "u"])
        XCTAssertNotEqual(invalid.status, 0)
        XCTAssertTrue(invalid.text.contains("--user needs --password"), invalid.text)
        let help = try await admin(["--help"])
        XCTAssertTrue(help.text.contains("dashboards"), help.text)
    }

    // MARK: - helpers

    /// Runs the admin binary off the cooperative pool (the recording server answers from it).
    private func admin(_ arguments: [String], environment: [String: String] = [:]) async throws -> (text: String, status: Int32) {
        var env = environment
        for key in ["ADMIN_DASHBOARDS_API_KEY", "ADMIN_DASHBOARDS_PASSWORD", "ADMIN_ELASTICSEARCH_INDEX_PREFIX"] where env[key] == nil { env[key] = "" }
        let clean = env
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try BrowserTest.run(adminBinaryPath(), arguments, environment: clean) })
            }
        }
    }

    /// The one `file` part of a multipart/form-data request, checked for RFC 7578 framing.
    private static func filePart(of request: RecordedRequest) throws -> (fileName: String, content: [UInt8]) {
        let contentType = try XCTUnwrap(request.headers["Content-Type"])
        XCTAssertTrue(contentType.hasPrefix("multipart/form-data; boundary="), contentType)
        let boundary = String(contentType.dropFirst("multipart/form-data; boundary=".count))
        XCTAssertFalse(boundary.isEmpty)
        let body = request.body
        let opening = Array("--\(boundary)\r\n".utf8)
        let closing = Array("\r\n--\(boundary)--\r\n".utf8)
        XCTAssertEqual(Array(body.prefix(opening.count)), opening, "the body starts with the boundary")
        XCTAssertEqual(Array(body.suffix(closing.count)), closing, "the body ends with the closing boundary")
        let inner = Array(body.dropFirst(opening.count).dropLast(closing.count))
        let separator = Array("\r\n\r\n".utf8)
        let split = try XCTUnwrap((0...(inner.count - separator.count)).first { Array(inner[$0..<($0 + separator.count)]) == separator })
        let headers = String(decoding: inner[..<split], as: UTF8.self).components(separatedBy: "\r\n")
        let disposition = try XCTUnwrap(headers.first { $0.lowercased().hasPrefix("content-disposition:") })
        XCTAssertTrue(disposition.contains("form-data; name=\"file\"; filename=\""), disposition)
        let fileName = try XCTUnwrap(disposition.components(separatedBy: "filename=\"").last?.components(separatedBy: "\"").first)
        XCTAssertTrue(headers.contains("Content-Type: application/ndjson"), "\(headers)")
        return (fileName, Array(inner[(split + separator.count)...]))
    }
}
