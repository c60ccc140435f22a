import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// GELF over HTTP, UDP (chunked) and TCP, shipped by graypy as a Graylog user ships: every message
/// lands once in both stores with its fields, and bad input gets the protocol's own answer.
final class GELFInputTests: HubTestCase {
    func testGraypyShipsOverHTTPUDPAndTCP() async throws {
        let python = packageRoot() + "/.venv/bin/python"
        guard (try? BrowserTest.run(python, ["-c", "import graypy"]).status) == 0 else {
            throw StandIns.missing("graypy in the project's virtualenv (scripts/install-deps)")
        }
        let udpPort = freeLocalPort(), tcpPort = freeLocalPort()
        let hub = try await startHub(extra: [
            "ADMIN_INPUTS_GELF_HTTP_ENABLED": "true",
            "ADMIN_INPUTS_GELF_UDP_LISTEN": "\(udpPort)", "ADMIN_INPUTS_GELF_UDP_SERVICE": "gate",
            "ADMIN_INPUTS_GELF_TCP_LISTEN": "127.0.0.1:\(tcpPort)", "ADMIN_INPUTS_GELF_TCP_SERVICE": "communication",
        ])
        let token = try createToken(service: "core")
        let pool = try mongoPool()
        let cases: [(mode: String, port: Int, service: String)] = [
            ("http", hub.port, "core"), ("udp", udpPort, "gate"), ("tcp", tcpPort, "communication"),
        ]
        for (mode, port, service) in cases {
            let run = "gelf\(mode)\(UUID().uuidString.prefix(6).lowercased())"
            let result = try BrowserTest.run(python, [packageRoot() + "/scripts/clients/gelf_graypy.py", mode, "127.0.0.1", "\(port)", run, "30", token])
            XCTAssertEqual(result.status, 0, result.text)
            try await eventually("31 \(mode) events in MongoDB and Elasticsearch") {
                let mongo = try await mongoCount(pool, filter: ["labels.run": .string(run)])
                let elasticsearch = try await elasticsearchCount(query: ["term": ["labels.run": .string(run)]])
                return mongo == 31 && elasticsearch == 31
            }
            let errors = try await elasticsearchSearch(["bool": ["filter": [["term": ["labels.run": .string(run)]], ["term": ["log.level": "error"]]]]])
            XCTAssertEqual(errors.count, 1, mode)
            let error = errors.first?["_source"]
            XCTAssertEqual(error?["service"]?["name"], .string(service), mode)  // the token's, or the listener's
            XCTAssertEqual(error?["error"]?["type"], "KeyError", mode)  // graypy's full_message traceback
            XCTAssertTrue(error?["error"]?["stack_trace"]?.stringValue?.contains("in main") == true, mode)
            XCTAssertEqual(error?["labels"]?["function"], "main", mode)  // graypy's _function
            let infos = try await elasticsearchSearch(["bool": ["filter": [["term": ["labels.run": .string(run)]], ["term": ["labels.n": "7"]]]]])
            XCTAssertEqual(infos.first?["_source"]?["message"], .string("graypy \(mode) event 7 of \(run)"), mode)
            XCTAssertEqual(infos.first?["_source"]?["log"]?["level"], "info", mode)
        }
        try await Task.sleep(for: .seconds(1))
        let total = try await mongoCount(pool)
        XCTAssertEqual(total, 93)  // each message once
    }

    func testBadGELFOverHTTPGetsAClearErrorAndChangesNothing() async throws {
        let hub = try await startHub(extra: ["ADMIN_INPUTS_GELF_HTTP_ENABLED": "true"])
        let token = try createToken()
        for (body, code) in [("{not json", "invalid_json"), (#"{"host":"x"}"#, "invalid_gelf"), ("[1]", "not_an_object")] {
            let response = try await post(hub, body: Array(body.utf8), token: token, contentType: nil, path: "/gelf")
            XCTAssertEqual(response.status, 400, body)
            XCTAssertEqual(try json(response)["error"], .string(code), body)
        }
        let gzipBomb = try await post(hub, body: [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF, 1, 2, 3], token: token, contentType: nil, path: "/gelf")
        XCTAssertEqual(gzipBomb.status, 400)
        let anonymous = try await post(hub, body: Array(#"{"short_message":"x"}"#.utf8), token: nil, contentType: nil, path: "/gelf")
        XCTAssertEqual(anonymous.status, 401)
        let byQuery = try await post(hub, body: Array(#"{"short_message":"by query"}"#.utf8), token: nil, contentType: nil,
                                     path: "/gelf?token=\(token)")
        XCTAssertEqual(byQuery.status, 202)
        let pool = try mongoPool()
        try await eventually("the one good message stored") { try await mongoCount(pool) == 1 }
    }

    func testAListenerWithoutAServiceIsRefusedAtStart() throws {
        let output = try? runAdmin(["check-config"], environment: hubEnvironment(extra: ["ADMIN_INPUTS_GELF_UDP_LISTEN": "12201"]))
        XCTAssertNil(output, "check-config accepted a GELF UDP listener without a service")
        do {
            try runAdmin(["check-config"], environment: hubEnvironment(extra: ["ADMIN_INPUTS_GELF_UDP_LISTEN": "12201"]))
        } catch {
            XCTAssertTrue("\(error)".contains("inputs.gelf_udp.service (ADMIN_INPUTS_GELF_UDP_SERVICE) must name the service"), "\(error)")
        }
    }
}
