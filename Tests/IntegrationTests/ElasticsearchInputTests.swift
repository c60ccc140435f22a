import ClientHTTP
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LogModel
import TestSupport
import XCTest

/// The Elasticsearch-compatible `_bulk` input under `/es`, tried with the official Elasticsearch
/// Python client as a shipper would use it, and with raw requests for the protocol's corners.
final class ElasticsearchInputTests: HubTestCase {
    private func startInputHub(extra: [String: String] = [:]) async throws -> HubProcess {
        try await startHub(extra: ["ADMIN_INPUTS_ELASTICSEARCH_ENABLED": "true"].merging(extra) { $1 })
    }

    private func request(_ hub: HubProcess, _ method: HTTPMethod, _ path: String, body: String = "",
                         headers: [(String, String)]) async throws -> HTTPResponse {
        var fields = HTTPHeaders()
        for (name, value) in headers { fields.add(name: name, value: value) }
        return try await Self.http.execute(HTTPRequest(method: method, url: hub.baseURL + path, headers: fields,
                                                       body: Array(body.utf8), timeout: .seconds(30)))
    }

    func testTheOfficialPythonClientShipsThroughTheBulkHelperAndAResentIdIsStoredOnce() async throws {
        let python = packageRoot() + "/.venv/bin/python"
        guard (try? BrowserTest.run(python, ["-c", "import elasticsearch"]).status) == 0 else {
            throw StandIns.missing("the elasticsearch Python client in the project's virtualenv (scripts/install-deps)")
        }
        let hub = try await startInputHub()
        let token = try createToken(service: "billing")
        var runs: [String] = []
        for auth in ["basic", "apikey", "bearer"] {
            let run = "es\(auth)\(UUID().uuidString.prefix(6).lowercased())"
            runs.append(run)
            let result = try BrowserTest.run(python, [packageRoot() + "/scripts/clients/elasticsearch_bulk.py",
                                                      hub.baseURL + "/es", token, run, "300", "--auth", auth])
            XCTAssertEqual(result.status, 0, result.text)
            let answer = try JSONParser.parse(String(result.text.split(separator: "\n").last ?? ""))
            XCTAssertEqual(answer["version"], "8.11.0")
            XCTAssertEqual(answer["passes"]?.arrayValue?.map { $0["ok"] }, [.int(300), .int(300)], result.text)
            XCTAssertEqual(answer["passes"]?.arrayValue?.map { $0["errors"]?.arrayValue?.count }, [0, 0], result.text)
        }
        let pool = try mongoPool()
        for run in runs {
            try await eventually("300 events of \(run) in MongoDB and Elasticsearch") {
                let mongo = try await mongoCount(pool, filter: ["labels.run": .string(run)])
                let elasticsearch = try await elasticsearchCount(query: ["term": ["labels.run": .string(run)]])
                return mongo == 300 && elasticsearch == 300
            }
        }
        try await Task.sleep(for: .seconds(1))
        for run in runs {  // sent twice, stored once: `_id` is the event id
            let mongo = try await mongoCount(pool, filter: ["labels.run": .string(run)])
            let elasticsearch = try await elasticsearchCount(query: ["term": ["labels.run": .string(run)]])
            XCTAssertEqual(mongo, 300)
            XCTAssertEqual(elasticsearch, 300)
        }
        let hits = try await elasticsearchSearch(["term": ["event.id": .string("\(runs[0])-7")]])
        let source = hits.first?["_source"]
        XCTAssertEqual(source?["message"], "bulk event 7")
        XCTAssertEqual(source?["event"]?["dataset"], "app-logs")  // `_index` becomes the dataset
        XCTAssertEqual(source?["service"]?["name"], "billing")  // the token's service
        XCTAssertEqual(source?["labels"]?["n"], "7")
    }

    func testProtocolCornersAreAnsweredAsElasticsearchAnswersThem() async throws {
        let hub = try await startInputHub(extra: ["ADMIN_INTAKE_RATE_LIMIT": "5"])
        let token = try createToken(service: "billing")
        let basic = "Basic " + Data("filebeat:\(token)".utf8).base64EncodedString()
        let ndjson = ("Content-Type", "application/x-ndjson")

        // No credentials: 401 with the challenge Elasticsearch sends, and its product header.
        let anonymous = try await request(hub, .get, "/es", headers: [])
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertEqual(anonymous.headers["WWW-Authenticate"], #"Basic realm="security" charset="UTF-8""#)
        XCTAssertEqual(anonymous.headers["X-Elastic-Product"], "Elasticsearch")
        XCTAssertEqual(try json(anonymous)["error"]?["type"], "security_exception")

        // HEAD / and the compatibility media type.
        let head = try await request(hub, .head, "/es", headers: [("Authorization", basic)])
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.headers["X-Elastic-Product"], "Elasticsearch")
        let compatible = try await request(hub, .get, "/es/_license", headers: [
            ("Authorization", basic), ("Accept", "application/vnd.elasticsearch+json; compatible-with=8")])
        XCTAssertEqual(compatible.headers["Content-Type"], "application/vnd.elasticsearch+json;compatible-with=8")
        XCTAssertEqual(try json(compatible)["license"]?["status"], "active")

        // A malformed action line refuses the whole request; nothing is stored.
        let malformed = try await request(hub, .post, "/es/_bulk", body: "{\"upsert\":{}}\n{}\n", headers: [("Authorization", basic), ndjson])
        XCTAssertEqual(malformed.status, 400)
        XCTAssertEqual(try json(malformed)["error"]?["type"], "illegal_argument_exception")
        XCTAssertTrue(try json(malformed)["error"]?["reason"]?.stringValue?.contains("Malformed action/metadata line [1]") == true)

        // A content type Elasticsearch does not take.
        let plain = try await request(hub, .post, "/es/_bulk", body: "x", headers: [("Authorization", basic), ("Content-Type", "text/plain")])
        XCTAssertEqual(plain.status, 406)

        // Per item: a bad document, a delete, a good document (PUT, as the official clients send).
        let mixed = try await request(hub, .put, "/es/app/_bulk", body: """
            {"index":{"_id":"bad-1"}}
            [1,2,3]
            {"delete":{"_id":"gone"}}
            {"create":{"_id":"good-1"}}
            {"message":"kept","run":"corners"}

            """, headers: [("Authorization", basic), ("Content-Type", "application/vnd.elasticsearch+x-ndjson; compatible-with=8")])
        XCTAssertEqual(mixed.status, 200)
        let items = try json(mixed)["items"]?.arrayValue ?? []
        XCTAssertEqual(try json(mixed)["errors"], true)
        XCTAssertEqual(items.count, 3)
        XCTAssertEqual(items[0]["index"]?["status"], 400)
        XCTAssertEqual(items[0]["index"]?["_index"], "app")
        XCTAssertEqual(items[1]["delete"]?["status"], 400)
        XCTAssertEqual(items[2]["create"]?["status"], 201)
        XCTAssertEqual(items[2]["create"]?["_id"], "good-1")

        // Over the token's rate limit (5 events/s): every item 429, which shippers retry item by item.
        let burst = (0..<20).map { "{\"index\":{\"_id\":\"burst-\($0)\"}}\n{\"message\":\"m\($0)\"}\n" }.joined()
        let limited = try await request(hub, .post, "/es/_bulk", body: burst, headers: [("Authorization", basic), ndjson])
        XCTAssertEqual(limited.status, 200)
        let limitedItems = try json(limited)["items"]?.arrayValue ?? []
        XCTAssertEqual(limitedItems.count, 20)
        XCTAssertTrue(limitedItems.allSatisfy { $0["index"]?["status"] == 429 }, "\(limitedItems.prefix(2))")
        XCTAssertEqual(limitedItems.first?["index"]?["error"]?["type"], "es_rejected_execution_exception")

        let pool = try mongoPool()
        try await eventually("the one good document stored") { try await mongoCount(pool, filter: ["labels.run": "corners"]) == 1 }
        let burstStored = try await mongoCount(pool, filter: ["_id": "burst-0"])
        XCTAssertEqual(burstStored, 0)
    }

    /// rsyslog's omelasticsearch cannot add `/es` to its URL: it ships to the input's own listener, with
    /// the configuration the README documents (bulk mode, item retries on), fed by logger(1) over TCP.
    func testRsyslogShipsToTheInputsOwnListener() async throws {
        let rsyslogd = "/usr/sbin/rsyslogd"
        guard FileManager.default.isExecutableFile(atPath: rsyslogd),
              FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/rsyslog/omelasticsearch.so")
                || FileManager.default.fileExists(atPath: "/usr/lib/aarch64-linux-gnu/rsyslog/omelasticsearch.so")
        else { throw StandIns.missing("rsyslog and rsyslog-elasticsearch (scripts/install-deps)") }
        let listenPort = freeLocalPort()
        _ = try await startInputHub(extra: ["ADMIN_INPUTS_ELASTICSEARCH_LISTEN": "127.0.0.1:\(listenPort)"])
        let token = try createToken(service: "edge")
        let run = "rsyslog\(UUID().uuidString.prefix(6).lowercased())"
        let work = directory.path + "/rsyslog"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let tcpPort = freeLocalPort()
        let configuration = """
            global(workDirectory="\(work)")
            module(load="imtcp")
            module(load="omelasticsearch")
            input(type="imtcp" address="127.0.0.1" port="\(tcpPort)" ruleset="ship")
            template(name="datamp" type="list" option.jsonf="on") {
              property(outname="@timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
              property(outname="host.name" name="hostname" format="jsonf")
              property(outname="log.level" name="syslogseverity-text" format="jsonf")
              property(outname="program" name="programname" format="jsonf")
              property(outname="message" name="msg" format="jsonf")
            }
            ruleset(name="ship") {
              action(type="omelasticsearch" server="127.0.0.1" serverport="\(listenPort)" searchIndex="syslog"
                     template="datamp" bulkmode="on" uid="rsyslog" pwd="\(token)"
                     retryfailures="on" retryruleset="ship" errorFile="\(work)/es-errors.json"
                     action.resumeRetryCount="-1" queue.type="linkedlist")
            }
            """
        try configuration.write(toFile: work + "/rsyslog.conf", atomically: true, encoding: .utf8)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: rsyslogd)
        daemon.arguments = ["-n", "-f", work + "/rsyslog.conf", "-i", work + "/rsyslogd.pid"]
        let output = FileHandle(forWritingAtPath: "/dev/null")
        daemon.standardOutput = output
        daemon.standardError = output
        try daemon.run()
        // SIGKILL, not SIGTERM: a child of the test process inherits its blocked SIGTERM, and rsyslogd
        // never unblocks it (it would wait forever).
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL); daemon.waitUntilExit() } }
        try await eventually(timeout: .seconds(20), "rsyslogd listening on \(tcpPort)") { canConnect(port: tcpPort) }

        let lines = (0..<40).map { "rsyslog event \($0) of \(run) user=ann password=hunter2" }.joined(separator: "\n")
        try lines.write(toFile: work + "/lines.txt", atomically: true, encoding: .utf8)
        let sent = try BrowserTest.run("/usr/bin/logger", ["--tcp", "--server", "127.0.0.1", "--port", "\(tcpPort)",
                                                           "--tag", run, "--priority", "user.warning", "-f", work + "/lines.txt"])
        XCTAssertEqual(sent.status, 0, sent.text)

        let pool = try mongoPool()
        try await eventually("40 rsyslog events in MongoDB") { try await mongoCount(pool, filter: ["labels.program": .string(run)]) == 40 }
        let hits = try await elasticsearchSearch(["term": ["labels.program": .string(run)]], size: 1)
        let source = hits.first?["_source"]
        XCTAssertEqual(source?["log"]?["level"], "warning")
        XCTAssertEqual(source?["service"]?["name"], "edge")
        XCTAssertEqual(source?["event"]?["dataset"], "syslog")
        XCTAssertTrue(source?["message"]?.stringValue?.contains("password=[REDACTED]") == true, "\(String(describing: source))")
    }

    func testTheInputIsOffUnlessSwitchedOn() async throws {
        let hub = try await startHub()
        let token = try createToken()
        let response = try await request(hub, .post, "/es/_bulk", body: "{\"index\":{}}\n{}\n",
                                         headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")])
        XCTAssertEqual(response.status, 404)
        XCTAssertTrue(try json(response)["error"]?["reason"]?.stringValue?.contains("ADMIN_INPUTS_ELASTICSEARCH_ENABLED=true") == true)
        let anonymous = try await request(hub, .post, "/es/_bulk", body: "", headers: [])
        XCTAssertEqual(anonymous.status, 401)  // credentials first, as every ingest route
    }
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
private func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}
