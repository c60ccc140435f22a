import ClientHTTP
import ClientPostgres
import Foundation
import LogModel
import Synchronization
import TestSupport
import XCTest

/// Errors to Sentry end to end, against a recording envelope endpoint.
final class AlertingSentryTests: HubTestCase {
    var sentry: RecordingHTTPServer!

    override func setUp() async throws {
        try await super.setUp()
        sentry = try await RecordingHTTPServer.start { _ in .json(#"{"id":"x"}"#) }
    }

    override func tearDown() async throws {
        await sentry?.stop()
        try await super.tearDown()
    }

    func sentryHub(_ extra: [String: String] = [:]) async throws -> HubProcess {
        try await startHub(mongo: false, elasticsearch: false,
                           extra: ["ADMIN_SENTRY_DSN": "http://publickey@127.0.0.1:\(sentry.port)/42"].merging(extra) { $1 })
    }

    static let traceback = """
        Traceback (most recent call last):
          File "/app/billing/views.py", line 88, in pay
            charge(order)
          File "/app/billing/gateway.py", line 17, in charge
            raise ValueError("card declined")
        ValueError: card declined
        """

    func testErrorBecomesAnEnvelopeWithFramesTagsAndADerivedEventID() async throws {
        let hub = try await sentryHub()
        let token = try createToken(service: "billing")
        var event = JSONObject()
        event["level"] = "error"
        event["message"] = "payment failed"
        event["event.id"] = "sentry-1"
        event["logger"] = "billing.views"
        event["shop_id"] = "42"
        event["trace_id"] = "4bf92f3577b34da6a3ce929d0e0e4736"
        event["exc_info"] = .string(Self.traceback)
        let response = try await post(hub, body: JSONValue.object(event).serialized(), token: token, contentType: "application/json")
        XCTAssertEqual(response.status, 202, response.bodyText)
        try await eventually(timeout: .seconds(15), "the envelope arrives") { !sentry.requests.isEmpty }
        let request = try XCTUnwrap(sentry.requests.first)
        XCTAssertEqual(request.path, "/api/42/envelope/")
        XCTAssertEqual(request.headers["Content-Type"], "application/x-sentry-envelope")
        XCTAssertEqual(request.headers["X-Sentry-Auth"], "Sentry sentry_version=7, sentry_client=admin-hub/1.0, sentry_key=publickey")
        let lines = request.body.split(separator: 10, maxSplits: 2)
        XCTAssertEqual(lines.count, 3)
        let header = try JSONParser.parse(Array(lines[0]))
        let payload = try JSONParser.parse(Array(lines[2]).filter { $0 != 10 })
        XCTAssertEqual(header["event_id"], payload["event_id"])
        XCTAssertEqual(payload["event_id"]?.stringValue?.count, 32)
        XCTAssertEqual(payload["level"]?.stringValue, "error")
        XCTAssertEqual(payload["tags"]?["service"]?.stringValue, "billing")
        XCTAssertEqual(payload["tags"]?["shop_id"]?.stringValue, "42")
        XCTAssertEqual(payload["contexts"]?["trace"]?["trace_id"]?.stringValue, "4bf92f3577b34da6a3ce929d0e0e4736")
        let frames = payload["exception"]?["values"]?.arrayValue?.first?["stacktrace"]?["frames"]?.arrayValue ?? []
        XCTAssertEqual(frames.map { $0["function"]?.stringValue }, ["pay", "charge"])
        XCTAssertEqual(frames.last?["context_line"]?.stringValue, "raise ValueError(\"card declined\")")
        try await eventually(timeout: .seconds(5), "the event's delay (read → envelope) is recorded") {
            let metrics = try await get(hub.baseURL + "/metrics").bodyText
            return MetricSample.value(in: metrics, "admin_alert_notification_delay_seconds_count", ["receiver": "sentry"]) == 1
        }
    }

    func testRateLimitHeaderStopsErrorEnvelopesAndThePerGroupCapHolds() async throws {
        sentry.setHandler { _ in .json(#"{"id":"x"}"#, headers: ["X-Sentry-Rate-Limits": "60:error:organization"]) }
        let hub = try await sentryHub(["ADMIN_SENTRY_MAX_EVENTS_PER_GROUP_PER_MINUTE": "5"])
        let token = try createToken(service: "billing")
        func error(_ n: Int) -> [UInt8] {
            Array(#"{"level":"error","message":"kaput \#(n)","error.type":"Kaput\#(n)","event.id":"limited-\#(n)"}"#.utf8)
        }
        _ = try await post(hub, body: error(1), token: token)
        try await eventually(timeout: .seconds(15), "the first envelope") { sentry.requests.count == 1 }
        for n in 2...6 { _ = try await post(hub, body: error(n), token: token) }
        try await Task.sleep(for: .seconds(2))
        XCTAssertEqual(sentry.requests.count, 1, "60:error:organization stops error envelopes for 60 s")

        // A fresh hub without the limit: 100 identical errors, at most 5 a minute reach Sentry.
        hub.stop()
        sentry.setHandler { _ in .json(#"{"id":"x"}"#) }
        sentry.clearRequests()
        let second = try await sentryHub(["ADMIN_SENTRY_MAX_EVENTS_PER_GROUP_PER_MINUTE": "5", "ADMIN_DATA_DIR": directory.path + "/data-2"])
        let storm = ndjson(100, idPrefix: "cap")
        let accepted = try await post(second, body: storm, token: token)
        XCTAssertEqual(accepted.status, 202)
        try await eventually(timeout: .seconds(15), "five envelopes") { sentry.requests.count >= 5 }
        try await Task.sleep(for: .seconds(2))
        XCTAssertEqual(sentry.requests.count, 5)
    }

    func testServerErrorsAreRetriedWithTheSameIDAndOther4xxGoToDeadLetters() async throws {
        let answers = Mutex([500, 503, 200, 400])
        sentry.setHandler { _ in
            let status = answers.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
            return .json(status == 400 ? #"{"detail":"invalid event"}"# : #"{"id":"x"}"#, status: status)
        }
        let hub = try await sentryHub()
        let token = try createToken(service: "billing")
        let first = try await post(hub, body: Array(#"{"level":"error","message":"retry me","error.type":"A","event.id":"r-1"}"#.utf8), token: token)
        XCTAssertEqual(first.status, 202)
        try await eventually(timeout: .seconds(20), "delivered on the third attempt") { sentry.requests.count == 3 }
        let ids = try sentry.requests.map { try JSONParser.parse(Array($0.body.split(separator: 10)[0]))["event_id"] }
        XCTAssertEqual(Set(ids.map { $0?.stringValue ?? "" }).count, 1, "a retry carries the same event_id")
        let second = try await post(hub, body: Array(#"{"level":"error","message":"refused","error.type":"B","event.id":"r-2"}"#.utf8), token: token)
        XCTAssertEqual(second.status, 202)
        let database = try PostgresClient(url: databaseURL, poolSize: 1)
        try await eventually(timeout: .seconds(15), "the 400 is kept with Sentry's answer") {
            let rows = try await database.query("SELECT event_id, status, answer FROM alert_dead_letters", [])
            guard rows.count == 1 else { return false }
            let eventID = try rows[0].string("event_id")
            let answer = try rows[0].string("answer") ?? ""
            return eventID == "r-2" && answer.contains("invalid event")
        }
        await database.shutdown()
        XCTAssertEqual(sentry.requests.count, 4, "a 400 is not retried")
    }
}
