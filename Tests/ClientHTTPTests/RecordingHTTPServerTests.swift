import ClientHTTP
import TestSupport
import XCTest

/// The recording server is shared by several test targets; these pin down what they rely on.
final class RecordingHTTPServerTests: XCTestCase {
    func testChunkedRequestBodyIsReassembled() async throws {
        let server = try await RecordingHTTPServer.start()
        defer { Task { await server.stop() } }
        let raw = "POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"

        let reply = try RawSocket.exchange(port: server.port, request: raw)

        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 200"), reply)
        XCTAssertEqual(server.requests.first?.bodyText, "hello world")
        XCTAssertEqual(server.requests.first?.path, "/chunked")
    }

    func testPipelinedKeepAliveRequestsAreAnsweredInOrder() async throws {
        let server = try await RecordingHTTPServer.start { request in .text(request.uri) }
        defer { Task { await server.stop() } }
        let raw = "GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"

        let reply = try RawSocket.exchange(port: server.port, request: raw)

        let one = try XCTUnwrap(reply.range(of: "/one"))
        let two = try XCTUnwrap(reply.range(of: "/two"))
        XCTAssertLessThan(one.lowerBound, two.lowerBound)
        XCTAssertEqual(server.connectionCount, 1)
        XCTAssertEqual(server.requests.map(\.uri), ["/one", "/two"])
    }
}
