import ClientHTTP
import TestSupport
import XCTest

final class HTTPClientTests: XCTestCase {
    private var server: RecordingHTTPServer!
    private var client: HTTPClient!

    override func setUp() async throws {
        server = try await RecordingHTTPServer.start()
        client = try HTTPClient()
    }

    override func tearDown() async throws {
        client.shutdown()
        await server.stop()
    }

    func testGetReturnsStatusHeadersAndBody() async throws {
        server.setHandler { _ in .json(#"{"ok":true}"#, headers: ["X-Elastic-Product": "Elasticsearch"]) }

        let response = try await client.execute(HTTPRequest(url: server.baseURL + "/status?pretty=false"))

        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.bodyText, #"{"ok":true}"#)
        XCTAssertEqual(response.headers["x-elastic-product"], "Elasticsearch", "header lookup ignores case")
        XCTAssertEqual(response.headers["CONTENT-TYPE"], "application/json")
        let recorded = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(recorded.method, "GET")
        XCTAssertEqual(recorded.path, "/status")
        XCTAssertEqual(recorded.queryItems["pretty"], "false")
        XCTAssertTrue(recorded.body.isEmpty)
    }

    func testPostSendsBodyBytesAndHeadersUnchanged() async throws {
        let body = Array(0...255).map(UInt8.init) + Array("line\n".utf8)
        server.setHandler { request in RecordingResponse(status: 201, body: request.body) }

        let response = try await client.execute(HTTPRequest(
            method: .post, url: server.baseURL + "/_bulk",
            headers: ["Content-Type": "application/x-ndjson", "Authorization": "ApiKey abc", "X-Empty": ""],
            body: body))

        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(response.body, body, "the echo matches byte for byte")
        let recorded = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(recorded.method, "POST")
        XCTAssertEqual(recorded.body, body)
        XCTAssertEqual(recorded.headers["content-type"], "application/x-ndjson")
        XCTAssertEqual(recorded.headers["authorization"], "ApiKey abc")
        XCTAssertEqual(recorded.headers["x-empty"], "", "an empty header value is sent, not dropped")
        XCTAssertNil(recorded.headers["expect"], "no 100-continue round trip")
        XCTAssertEqual(recorded.headers["user-agent"], "datamp-admin/1")
    }

    func testPostWithoutContentTypeSendsNoFormContentType() async throws {
        _ = try await client.execute(HTTPRequest(method: .post, url: server.baseURL + "/x", body: Array("a=b".utf8)))

        XCTAssertNil(server.requests.first?.headers["content-type"])
    }

    func testPutDeleteAndGetWithBodyUseTheirMethods() async throws {
        _ = try await client.execute(HTTPRequest(method: .put, url: server.baseURL + "/_index_template/t", body: Array("{}".utf8)))
        _ = try await client.execute(HTTPRequest(method: .delete, url: server.baseURL + "/index-2026.01.01"))
        _ = try await client.execute(HTTPRequest(method: .get, url: server.baseURL + "/_search", body: Array(#"{"size":1}"#.utf8)))
        _ = try await client.execute(HTTPRequest(method: .post, url: server.baseURL + "/_refresh"))
        let head = try await client.execute(HTTPRequest(method: .head, url: server.baseURL + "/"))

        let requests = server.requests
        XCTAssertEqual(requests.map(\.method), ["PUT", "DELETE", "GET", "POST", "HEAD"])
        XCTAssertEqual(requests[0].bodyText, "{}")
        XCTAssertTrue(requests[1].body.isEmpty)
        XCTAssertEqual(requests[2].bodyText, #"{"size":1}"#)
        XCTAssertEqual(requests[3].headers["content-length"], "0")
        XCTAssertEqual(head.status, 200)
    }

    func testErrorStatusesAreResponsesNotErrors() async throws {
        for status in [400, 401, 404, 413, 429, 500, 503] {
            server.setHandler { _ in .json(#"{"status":\#(status)}"#, status: status, headers: ["Retry-After": "7"]) }

            let response = try await client.execute(HTTPRequest(url: server.baseURL + "/"))

            XCTAssertEqual(response.status, status)
            XCTAssertEqual(response.bodyText, #"{"status":\#(status)}"#)
            XCTAssertEqual(response.headers["retry-after"], "7")
        }
    }

    func testSlowServerGivesTypedTimeoutError() async throws {
        server.setHandler { _ in
            try? await Task.sleep(for: .seconds(3))
            return RecordingResponse(status: 200)
        }
        let started = ContinuousClock.now

        do {
            _ = try await client.execute(HTTPRequest(url: server.baseURL + "/slow", timeout: .milliseconds(300)))
            XCTFail("expected a timeout")
        } catch {
            XCTAssertEqual(error.kind, .timeout)
            XCTAssertTrue(error.isTimeout)
            XCTAssertEqual(error.curlCode, 28)
            XCTAssertEqual(error.url, server.baseURL + "/slow")
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(2), "the timeout is honoured, not the server's delay")
    }

    func testConnectionRefusedGivesTypedConnectionError() async throws {
        let closed = try await RecordingHTTPServer.start()
        let url = closed.baseURL + "/x"
        await closed.stop()

        do {
            _ = try await client.execute(HTTPRequest(url: url, timeout: .seconds(5)))
            XCTFail("expected a connection error")
        } catch {
            XCTAssertEqual(error.kind, .connectionFailed)
            XCTAssertTrue(error.isConnectionFailure)
            XCTAssertEqual(error.curlCode, 7)
            XCTAssertFalse(error.message.isEmpty)
        }
    }

    func testServerDroppingTheConnectionGivesConnectionLost() async throws {
        server.setHandler { _ in .dropConnection }

        do {
            _ = try await client.execute(HTTPRequest(method: .post, url: server.baseURL + "/_bulk", body: [1, 2, 3]))
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.kind, .connectionLost)
            XCTAssertTrue(error.isConnectionFailure)
        }
    }

    func testCredentialsInTheURLAreSentButNeverShownInErrors() async throws {
        let withCredentials = server.baseURL.replacingOccurrences(of: "http://", with: "http://elastic:s3cret@")
        _ = try await client.execute(HTTPRequest(url: withCredentials + "/"))
        XCTAssertEqual(server.requests.first?.headers["authorization"], "Basic ZWxhc3RpYzpzM2NyZXQ=")

        server.setHandler { _ in
            try? await Task.sleep(for: .seconds(2))
            return RecordingResponse(status: 200)
        }
        do {
            _ = try await client.execute(HTTPRequest(url: withCredentials + "/slow", timeout: .milliseconds(200)))
            XCTFail("expected a timeout")
        } catch {
            XCTAssertFalse(error.description.contains("s3cret"), error.description)
            XCTAssertEqual(error.url, server.baseURL.replacingOccurrences(of: "http://", with: "http://elastic:[REDACTED]@") + "/slow",
                           "the password masked as everywhere else (CredentialRedaction)")
        }
    }

    func testDisplayURLReplacesTheURLInErrors() async throws {
        server.setHandler { _ in .dropConnection }
        do {
            _ = try await client.execute(HTTPRequest(url: server.baseURL + "/bot123:SECRET/sendMessage", displayURL: "telegram/bot***/sendMessage"))
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.url, "telegram/bot***/sendMessage")
            XCTAssertFalse(error.description.contains("SECRET"))
        }
    }

    func testInvalidRequestsAreRejectedBeforeSending() async throws {
        let bad = [
            HTTPRequest(url: "ftp://127.0.0.1/file"),
            HTTPRequest(url: "file:///etc/passwd"),
            HTTPRequest(url: server.baseURL + "/a b"),
            HTTPRequest(url: server.baseURL + "/", headers: ["X-Injected": "a\r\nX-Evil: 1"]),
            HTTPRequest(url: server.baseURL + "/", headers: ["Bad Name": "x"]),
        ]
        for request in bad {
            do {
                _ = try await client.execute(request)
                XCTFail("expected \(request.url) to be rejected")
            } catch {
                XCTAssertEqual(error.kind, .invalidRequest, error.description)
            }
        }
        XCTAssertTrue(server.requests.isEmpty)
    }

    func testManyConcurrentRequestsEachGetTheirOwnResponse() async throws {
        server.setHandler { request in
            try? await Task.sleep(for: .milliseconds(Int.random(in: 0...20)))
            return RecordingResponse(status: 200, body: Array(request.uri.utf8))
        }
        let client = self.client!
        let base = server.baseURL

        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<200 {
                group.addTask {
                    let response = try await client.execute(HTTPRequest(url: "\(base)/item/\(i)"))
                    return response.bodyText == "/item/\(i)" ? 0 : 1
                }
            }
            return try await group.reduce(0, +)
        }

        XCTAssertEqual(mismatches, 0)
        XCTAssertEqual(server.requests.count, 200)
        XCTAssertGreaterThan(server.connectionCount, 1, "requests ran in parallel")
        XCTAssertLessThanOrEqual(server.connectionCount, client.configuration.maxConnectionsPerHost)
    }

    func testSequentialRequestsReuseOneKeepAliveConnection() async throws {
        for i in 0..<20 {
            let response = try await client.execute(HTTPRequest(method: .post, url: server.baseURL + "/n/\(i)", body: [UInt8(i)]))
            XCTAssertEqual(response.status, 200)
        }

        XCTAssertEqual(server.connectionCount, 1)
        XCTAssertEqual(Set(server.requests.map(\.connectionNumber)), [1])
    }

    func testCancellingTheTaskAbortsTheRequest() async throws {
        server.setHandler { _ in
            try? await Task.sleep(for: .seconds(5))
            return RecordingResponse(status: 200)
        }
        let client = self.client!
        let url = server.baseURL + "/slow"
        let started = ContinuousClock.now
        let task = Task { () -> HTTPClientError.Kind? in
            do throws(HTTPClientError) {
                _ = try await client.execute(HTTPRequest(url: url, timeout: .seconds(30)))
                return nil
            } catch {
                return error.kind
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()

        let kind = await task.value
        XCTAssertEqual(kind, .cancelled)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(3))
    }

    func testAClientWithNoOtherReferenceFinishesItsRequest() async throws {
        server.setHandler { _ in
            try? await Task.sleep(for: .milliseconds(300))
            return .text("done")
        }

        let response = try await HTTPClient().execute(HTTPRequest(url: server.baseURL + "/slow"))

        XCTAssertEqual(response.bodyText, "done")
    }

    func testResponseOverTheSizeLimitFails() async throws {
        let small = try HTTPClient(configuration: HTTPClientConfiguration(maxResponseBodyBytes: 1000))
        defer { small.shutdown() }
        server.setHandler { _ in RecordingResponse(status: 200, body: Array(repeating: 65, count: 50_000)) }

        do {
            _ = try await small.execute(HTTPRequest(url: server.baseURL + "/big"))
            XCTFail("expected responseTooLarge")
        } catch {
            XCTAssertEqual(error.kind, .responseTooLarge)
        }
    }

    func testLargeBodiesArriveComplete() async throws {
        let body = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        server.setHandler { request in RecordingResponse(status: 200, body: request.body) }

        let response = try await client.execute(HTTPRequest(method: .post, url: server.baseURL + "/big", body: body))

        XCTAssertEqual(response.body.count, body.count)
        XCTAssertEqual(response.body, body)
    }

    func testShutdownFailsRequestsInFlightAndRefusesNewOnes() async throws {
        server.setHandler { _ in
            try? await Task.sleep(for: .seconds(5))
            return RecordingResponse(status: 200)
        }
        let client = self.client!
        let url = server.baseURL + "/slow"
        let inFlight = Task { () -> HTTPClientError.Kind? in
            do throws(HTTPClientError) { _ = try await client.execute(HTTPRequest(url: url)); return nil } catch { return error.kind }
        }
        try await Task.sleep(for: .milliseconds(200))

        client.shutdown()

        let kindInFlight = await inFlight.value
        XCTAssertEqual(kindInFlight, .shutdown)
        do {
            _ = try await client.execute(HTTPRequest(url: url))
            XCTFail("expected shutdown")
        } catch {
            XCTAssertEqual(error.kind, .shutdown)
        }
    }
}
