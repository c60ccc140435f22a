import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// What happens when a store is down, refuses an event, or the spool fills up.
final class StoreFailureTests: StaffTestCase {
    func testMongoDBOutageKeepsAcceptingAndDeliversEverythingOnceAfterwards() async throws {
        let mongo = try MongoStandIn(storage: directory.path + "/mongo")
        try await mongo.start()
        defer { mongo.stop() }
        let uri = "mongodb://127.0.0.1:\(mongo.port)/?serverSelectionTimeoutMS=1000&connectTimeoutMS=1000&socketTimeoutMS=5000"
        mongoURI = uri
        let hub = try await startHub(extra: ["ADMIN_MONGODB_URI": uri])
        let token = try createToken()

        let awaited1 = try await post(hub, body: ndjson(100, idPrefix: "before"), token: token).status
        XCTAssertEqual(awaited1, 202)
        let pool = try mongoPool()
        try await eventually("first events in MongoDB") { try await mongoCount(pool) == 100 }

        mongo.stop()
        for batch in 0..<3 {
            let response = try await post(hub, body: ndjson(100, idPrefix: "during", start: batch * 100), token: token)
            XCTAssertEqual(response.status, 202, "ingest must not depend on MongoDB being up: \(response.bodyText)")
        }
        try await eventually("the hub notices MongoDB is gone") {
            let state = try json(try await get(hub.baseURL + "/readyz"))["sinks"]?["mongodb"]?["state"]?.stringValue
            return state == "unavailable"
        }
        let awaited2 = try await get(hub.baseURL + "/readyz").status
        XCTAssertEqual(awaited2, 200, "a store being down does not make the hub unready")

        try await mongo.start()
        try await eventually(timeout: .seconds(90), "everything in MongoDB after it returns") { try await mongoCount(pool) == 400 }
        try await eventually("everything in Elasticsearch") { try await elasticsearchCount() == 400 }
        try await Task.sleep(for: .seconds(1))
        let mongoTotal = try await mongoCount(pool)
        XCTAssertEqual(mongoTotal, 400, "nothing stored twice")
    }

    func testMappingErrorGoesToDeadLettersWhileTheRestIsDelivered() async throws {
        // An index made by hand with `message` as a number: only the event whose message is text is refused.
        let day = Timestamp.format(micros: Int64(Date().timeIntervalSince1970 * 1_000_000)).prefix(10).replacingOccurrences(of: "-", with: ".")
        var create = HTTPRequest(method: .put, url: "\(elasticsearchURL)/\(indexPrefix)-\(day)")
        create.headers.add(name: "Content-Type", value: "application/json")
        create.body = Array(#"{"mappings":{"properties":{"message":{"type":"long"}}}}"#.utf8)
        let created = try await Self.http.execute(create)
        XCTAssertEqual(created.status, 200, created.bodyText)

        let hub = try await startHub()
        let token = try createToken()
        // Operators reach dead letters as staff: an admin's personal token made with the CLI.
        try createUser("ops@staff.test", roles: ["admin"])
        let admin = try personalToken("ops@staff.test", scopes: ["deadletters.manage"])
        let now = Timestamp.format(micros: Int64(Date().timeIntervalSince1970 * 1_000_000))
        let body = ["100", "hello", "200"].enumerated().map { n, message in
            #"{"@timestamp":"\#(now)","message":"\#(message)","event.id":"dl-\#(n)"}"#
        }.joined(separator: "\n")
        let awaited3 = try await post(hub, body: Array(body.utf8), token: token).status
        XCTAssertEqual(awaited3, 202)

        let pool = try mongoPool()
        try await eventually("all three in MongoDB") { try await mongoCount(pool) == 3 }
        try await eventually("the two others in Elasticsearch") { try await elasticsearchCount() == 2 }

        let forbidden = try await get(hub.baseURL + "/api/v1/dead-letters", token: token)
        XCTAssertEqual(forbidden.status, 401, "an ingest token is no staff credential: it must not read dead letters")
        var letters: [JSONValue] = []
        try await eventually("the dead letter is listed") {
            letters = try json(try await get(hub.baseURL + "/api/v1/dead-letters", token: admin))["dead_letters"]?.arrayValue ?? []
            return letters.count == 1
        }
        let letter = try XCTUnwrap(letters.first)
        XCTAssertEqual(letter["sink"], "elasticsearch")
        XCTAssertEqual(letter["event_id"], "dl-1")
        XCTAssertEqual(letter["event"]?["message"], "hello")
        XCTAssertGreaterThanOrEqual(letter["attempts"]?.intValue ?? 0, 1)
        XCTAssertFalse((letter["reason"]?.stringValue ?? "").isEmpty)

        // The operator fixes the mapping (drops the hand-made index) and replays.
        _ = try await Self.http.execute(HTTPRequest(method: .delete, url: "\(elasticsearchURL)/\(indexPrefix)-\(day)"))
        var replay = HTTPRequest(method: .post, url: hub.baseURL + "/api/v1/dead-letters/replay")
        replay.headers.add(name: "Authorization", value: "Bearer \(admin)")
        replay.headers.add(name: "Content-Type", value: "application/json")
        replay.body = Array(#"{"sink":"elasticsearch"}"#.utf8)
        let replayed = try await Self.http.execute(replay)
        XCTAssertEqual(replayed.status, 200, replayed.bodyText)
        XCTAssertEqual(try json(replayed)["replayed"], 1)
        try await eventually("the replayed event in Elasticsearch") { try await elasticsearchCount(query: ["ids": ["values": ["dl-1"]]]) == 1 }
        let pending = try json(try await get(hub.baseURL + "/api/v1/dead-letters", token: admin))["dead_letters"]?.arrayValue ?? []
        XCTAssertEqual(pending.count, 0)
        let mongoTotal = try await mongoCount(pool)
        XCTAssertEqual(mongoTotal, 3, "the replay targets Elasticsearch only")
    }

    func testOverTheSpoolBoundAnswers503AndLosesNothing() async throws {
        // Elasticsearch (a `block` store) refuses every bulk: nothing drains, so the 1 MiB bound is reached
        // after ~2,000 events. (With no store at all only best-effort readers hold segments, and they skip.)
        let proxy = try await elasticsearchProxy { request in
            request.path.hasSuffix("/_bulk") ? .json(#"{"error":{"type":"unavailable_shards_exception"},"status":503}"#, status: 503) : nil
        }
        let small = ["ADMIN_SPOOL_MAX_BYTES": "1M", "ADMIN_SPOOL_SEGMENT_BYTES": "64k", "ADMIN_INTAKE_MAX_EVENT_BYTES": "32k",
                     "ADMIN_SPOOL_RETRY_AFTER_SECONDS": "7", "ADMIN_ELASTICSEARCH_URL": proxy.baseURL]
        let hub = try await startHub(mongo: false, extra: small)
        let token = try createToken()
        var accepted = 0
        var refused: HTTPResponse?
        for batch in 0..<100 {
            let response = try await post(hub, body: ndjson(100, idPrefix: "bound", start: batch * 100), token: token)
            if response.status == 202 {
                accepted += 100
            } else {
                refused = response
                break
            }
        }
        let full = try XCTUnwrap(refused, "the spool bound was never reached")
        XCTAssertEqual(full.status, 503)
        XCTAssertEqual(full.headers["Retry-After"], "7")
        XCTAssertEqual(try json(full)["error"], "spool_full")
        XCTAssertGreaterThan(accepted, 0)
        let awaited4 = try await get(hub.baseURL + "/healthz").status
        XCTAssertEqual(awaited4, 200, "the server stays up")

        hub.stop()
        var env = hub.environment
        env["ADMIN_MONGODB_URI"] = mongoURI
        env["ADMIN_ELASTICSEARCH_URL"] = elasticsearchURL
        let drained = HubProcess(environment: env, logPath: directory.path + "/drain.log")
        hubs.append(drained)
        try await drained.start()
        let pool = try mongoPool()
        try await eventually(timeout: .seconds(90), "every accepted event in MongoDB") { try await mongoCount(pool) == accepted }
        try await eventually(timeout: .seconds(90), "and in Elasticsearch, now that it takes writes") { try await elasticsearchCount() == accepted }
        let awaited5 = try await post(drained, body: ndjson(10, idPrefix: "after"), token: token).status
        XCTAssertEqual(awaited5, 202,
                       "room again once the sinks drained the spool")
        await proxy.stop()
    }
}

extension JSONValue {
    var intValue: Int? {
        if case .int(let n) = self { return Int(n) }
        return nil
    }
}
