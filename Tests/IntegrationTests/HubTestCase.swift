import ClientHTTP
import ClientMongo
import ClientPostgres
import Foundation
import LogModel
import TestSupport
import XCTest

/// Base for tests that run the real `admin` binary against the real PostgreSQL and the MongoDB and
/// Elasticsearch stand-ins that the test command started. Every test gets its own PostgreSQL
/// database, MongoDB database, Elasticsearch index prefix and data directory, and removes them.
class HubTestCase: XCTestCase {
    var directory: TemporaryDirectory!
    var databaseURL = ""
    var mongoURI = ""
    var mongoDatabase = ""
    var elasticsearchURL = ""
    var indexPrefix = ""
    var hubs: [HubProcess] = []
    private var databaseName = ""

    static let http = SharedHTTP.client

    override func setUp() async throws {
        let adminDatabaseURL = try StandIns.requirePostgres()
        let mongo = try StandIns.requireMongoDB()
        let es = try StandIns.requireElasticsearch()
        guard FileManager.default.isExecutableFile(atPath: adminBinaryPath()) else {
            throw StandIns.missing("build the admin binary first (swift build); looked for \(adminBinaryPath())")
        }
        directory = try TemporaryDirectory(prefix: "hub")
        let suffix = UUID().uuidString.prefix(8).lowercased()
        databaseName = "hubtest_\(suffix)"
        let admin = try PostgresClient(url: adminDatabaseURL, poolSize: 1)
        _ = try await admin.query("CREATE DATABASE \(databaseName)", [])
        databaseURL = Self.replacingDatabase(in: adminDatabaseURL, with: databaseName)
        mongoURI = mongo
        mongoDatabase = "hubtest_\(suffix)"
        elasticsearchURL = es
        indexPrefix = "hubtest-\(suffix)"
    }

    override func tearDown() async throws {
        // A failed test shows how its hubs ended (a crash, an error): the logs go away with the directory.
        if (testRun?.failureCount ?? 0) + (testRun?.unexpectedExceptionCount ?? 0) > 0 {
            let kept = packageRoot() + "/var/artifacts/failed-hub-logs"
            try? FileManager.default.createDirectory(atPath: kept, withIntermediateDirectories: true)
            for (index, hub) in hubs.enumerated() {
                let copy = "\(kept)/\(name.filter { $0.isLetter || $0.isNumber })-\(index).log"
                try? FileManager.default.removeItem(atPath: copy)
                try? FileManager.default.copyItem(atPath: hub.logPath, toPath: copy)
                print("--- hub \(index) \(hub.isRunning ? "running" : "NOT RUNNING (crashed?)"); its whole log: \(copy); last lines:\n\(hub.tailOfLog(3000))")
            }
        }
        for hub in hubs { hub.stop() }
        hubs.removeAll()
        directory?.remove()
        if let adminURL = StandIns.postgresURL, !databaseName.isEmpty {
            let admin = try PostgresClient(url: adminURL, poolSize: 1)
            _ = try? await admin.query("DROP DATABASE IF EXISTS \(databaseName) WITH (FORCE)", [])
        }
        if !indexPrefix.isEmpty {
            _ = try? await Self.http.execute(HTTPRequest(method: .delete, url: "\(elasticsearchURL)/\(indexPrefix)-*"))
            _ = try? await Self.http.execute(HTTPRequest(method: .delete, url: "\(elasticsearchURL)/_index_template/\(indexPrefix)"))
        }
        if !mongoDatabase.isEmpty, let pool = try? MongoClientPool(uri: mongoURI) {
            _ = try? await pool.command(database: mongoDatabase, command: ["dropDatabase": 1])
        }
    }

    /// `postgresql://u@h:p/db?x` with `db` replaced.
    static func replacingDatabase(in url: String, with name: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url + " dbname=\(name)" }
        let afterScheme = url[schemeEnd.upperBound...]
        let queryStart = afterScheme.firstIndex(of: "?") ?? afterScheme.endIndex
        let authority = afterScheme[..<queryStart]
        let host = authority.firstIndex(of: "/").map { authority[..<$0] } ?? authority
        return String(url[..<schemeEnd.upperBound]) + host + "/" + name + String(afterScheme[queryStart...])
    }

    // MARK: Hub

    /// The environment of a hub for this test; sinks on unless switched off.
    func hubEnvironment(mongo: Bool = true, elasticsearch: Bool = true, extra: [String: String] = [:]) -> [String: String] {
        var env: [String: String] = [
            "ADMIN_DATA_DIR": directory.path + "/data",
            "ADMIN_DATABASE_URL": databaseURL,
            "ADMIN_MONGODB_DATABASE": mongoDatabase,
            "ADMIN_ELASTICSEARCH_INDEX_PREFIX": indexPrefix,
            "ADMIN_DELIVERY_BATCH_MAX_WAIT_MS": "100",
            "ADMIN_DELIVERY_RETRY_INITIAL_MS": "100",
            "ADMIN_DELIVERY_RETRY_MAX_MS": "1000",
            "ADMIN_INTAKE_TOKEN_CACHE_SECONDS": "1",
            "ADMIN_SELF_INGEST": "false",
            "ADMIN_MONGODB_URI": mongo ? mongoURI : "",
            "ADMIN_ELASTICSEARCH_URL": elasticsearch ? elasticsearchURL : "",
        ]
        for (k, v) in extra { env[k] = v }
        return env
    }

    @discardableResult
    func startHub(mongo: Bool = true, elasticsearch: Bool = true, extra: [String: String] = [:]) async throws -> HubProcess {
        let hub = HubProcess(environment: hubEnvironment(mongo: mongo, elasticsearch: elasticsearch, extra: extra),
                             logPath: directory.path + "/hub-\(hubs.count).log")
        hubs.append(hub)
        try await hub.start()
        return hub
    }

    /// Restarts on the same data directory and port-less environment (a new port is fine: clients reconnect).
    func restart(_ hub: HubProcess) async throws -> HubProcess {
        let next = HubProcess(environment: hub.environment, logPath: directory.path + "/hub-\(hubs.count).log")
        hubs.append(next)
        try await next.start()
        return next
    }

    /// `admin token create`, returning the secret printed alone on the last line.
    func createToken(service: String = "core", scopes: [String] = []) throws -> String {
        var arguments = ["token", "create", "--service", service]
        for scope in scopes { arguments += ["--scope", scope] }
        let output = try runAdmin(arguments, environment: ["ADMIN_DATABASE_URL": databaseURL])
        let last = output.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasPrefix("dmp_"), "the token must be alone on the last line: \(output)")
        return last
    }

    // MARK: Requests

    func post(_ hub: HubProcess, body: [UInt8], token: String?, contentType: String? = "application/x-ndjson",
              headers extra: [(String, String)] = [], path: String = "/api/v1/logs") async throws -> HTTPResponse {
        try await Self.post(hub, body: body, token: token, contentType: contentType, headers: extra, path: path)
    }

    static func post(_ hub: HubProcess, body: [UInt8], token: String?, contentType: String? = "application/x-ndjson",
                     headers extra: [(String, String)] = [], path: String = "/api/v1/logs") async throws -> HTTPResponse {
        var headers = HTTPHeaders()
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        for (name, value) in extra { headers.add(name: name, value: value) }
        return try await Self.http.execute(HTTPRequest(method: .post, url: hub.baseURL + path, headers: headers, body: body,
                                                       timeout: .seconds(30)))
    }

    func get(_ url: String, token: String? = nil) async throws -> HTTPResponse {
        var headers = HTTPHeaders()
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        return try await Self.http.execute(HTTPRequest(method: .get, url: url, headers: headers))
    }

    func json(_ response: HTTPResponse) throws -> JSONValue {
        try JSONParser.parse(response.body)
    }

    // MARK: Stores

    func mongoPool() throws -> MongoClientPool { try MongoClientPool(uri: mongoURI) }

    func mongoCount(_ pool: MongoClientPool, filter: JSONValue = [:]) async throws -> Int {
        try await pool.count(database: mongoDatabase, collection: "logs", filter: filter)
    }

    func elasticsearchCount(query: JSONValue? = nil) async throws -> Int {
        _ = try await Self.http.execute(HTTPRequest(method: .post, url: "\(elasticsearchURL)/\(indexPrefix)-*/_refresh"))
        var request = HTTPRequest(method: .post, url: "\(elasticsearchURL)/\(indexPrefix)-*/_count?ignore_unavailable=true&allow_no_indices=true")
        if let query {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = JSONValue.object(["query": query]).serialized()
        }
        let response = try await Self.http.execute(request)
        guard response.status == 200, case .int(let n)? = try json(response)["count"] else { return 0 }
        return Int(n)
    }

    func elasticsearchSearch(_ query: JSONValue, size: Int = 100) async throws -> [JSONValue] {
        _ = try await Self.http.execute(HTTPRequest(method: .post, url: "\(elasticsearchURL)/\(indexPrefix)-*/_refresh"))
        var request = HTTPRequest(method: .post, url: "\(elasticsearchURL)/\(indexPrefix)-*/_search?ignore_unavailable=true")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = JSONValue.object(["query": query, "size": .int(Int64(size))]).serialized()
        let response = try await Self.http.execute(request)
        return try json(response)["hits"]?["hits"]?.arrayValue ?? []
    }

    /// Polls `condition` until it holds or `timeout` passes.
    func eventually(timeout: Duration = .seconds(60), _ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        XCTFail("timed out waiting for: \(what)\nhub log:\n\(hubs.last?.tailOfLog() ?? "")")
        throw CancellationError()
    }

    // MARK: Events

    /// NDJSON of `count` events with client ids `<prefix>-<n>`.
    func ndjson(_ count: Int, idPrefix: String, start: Int = 0, extra: (Int) -> String = { _ in "" }) -> [UInt8] {
        Self.ndjson(count, idPrefix: idPrefix, start: start, extra: extra)
    }

    static func ndjson(_ count: Int, idPrefix: String, start: Int = 0, extra: (Int) -> String = { _ in "" }) -> [UInt8] {
        var text = ""
        let now = Timestamp.format(micros: Int64(Date().timeIntervalSince1970 * 1_000_000))
        for n in start..<(start + count) {
            text += #"{"@timestamp":"\#(now)","level":"error","message":"payment failed for shop 42","#
            text += #""logger":"billing.views","event.id":"\#(idPrefix)-\#(n)","shop_id":42\#(extra(n))}"# + "\n"
        }
        return Array(text.utf8)
    }
}
