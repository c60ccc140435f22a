import ClientHTTP
import ClientPostgres
import Foundation
import LogModel
import Synchronization
import TestSupport
import XCTest

/// What one Sentry envelope held: the item type and its payload.
struct SentryItem {
    var type: String
    var payload: JSONValue

    /// The items of an envelope body (header line, then item header and payload lines).
    static func parse(_ body: [UInt8]) throws -> [SentryItem] {
        let lines = body.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
        var items: [SentryItem] = []
        var i = 1
        while i + 1 < lines.count {
            let header = try JSONParser.parse(lines[i])
            items.append(SentryItem(type: header["type"]?.stringValue ?? "", payload: try JSONParser.parse(lines[i + 1])))
            i += 2
            while i < lines.count, lines[i].isEmpty { i += 1 }
        }
        return items
    }

    /// Quantities of every `client_report` in `requests`, by "reason/category".
    static func discarded(in requests: [RecordedRequest]) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for request in requests {
            for item in (try? parse(request.body)) ?? [] where item.type == "client_report" {
                for d in item.payload["discarded_events"]?.arrayValue ?? [] {
                    let key = (d["reason"]?.stringValue ?? "") + "/" + (d["category"]?.stringValue ?? "")
                    if case .int(let n)? = d["quantity"] { out[key, default: 0] += n }
                }
            }
        }
        return out
    }

    static func events(in requests: [RecordedRequest]) -> [JSONValue] {
        requests.flatMap { ((try? parse($0.body)) ?? []).filter { $0.type == "event" }.map(\.payload) }
    }
}

/// Limits that hold across hub nodes: two `admin serve` on one database together stay within what
/// one may send (Telegram's buckets and 429s, Sentry's rate limits and per-group cap, threshold
/// windows), and what the hub drops reaches Sentry as client reports.
final class AlertingSharedLimitsTests: TelegramHubTestCase {
    func twoNodes(_ environment: [String: String]) async throws -> (HubProcess, HubProcess) {
        let first = try await startHub(mongo: false, elasticsearch: false, extra: environment)
        let second = try await startHub(mongo: false, elasticsearch: false,
                                        extra: environment.merging(["ADMIN_DATA_DIR": directory.path + "/data-2"]) { $1 })
        return (first, second)
    }

    /// The buckets' arithmetic, in the database function itself (times given, not read from the clock).
    func testTelegramBucketsAreTakenInOneStatement() async throws {
        _ = try runAdmin(["migrate"], environment: ["ADMIN_DATABASE_URL": databaseURL])
        let database = try PostgresClient(url: databaseURL, poolSize: 1)
        func acquire(_ chat: Int64, at: Int64) async throws -> Int64 {
            let rows = try await database.query("SELECT alert_telegram_acquire($1::bigint, 30, 20, $2::bigint) AS wait", [String(chat), String(at)])
            return Int64(try rows.first?.int("wait") ?? -1)
        }
        let base: Int64 = 1_000_000_000
        var result = try await acquire(1, at: base)
        XCTAssertEqual(result, 0)
        result = try await acquire(1, at: base)
        XCTAssertEqual(result, 1000, "one a second per chat")
        result = try await acquire(1, at: base + 1000)
        XCTAssertEqual(result, 0)
        // Group chats (negative ids): never more than 20 in any 60 s.
        var sent = 0
        var now = base
        while now < base + 60_000 {
            if try await acquire(-100, at: now) == 0 { sent += 1 }
            now += 250
        }
        XCTAssertEqual(sent, 20, "no 60-second window holds more than 20")
        result = try await acquire(-100, at: base + 60_000)
        XCTAssertEqual(result, 0, "the first send has left the window")
        // All chats: 30 a second.
        var allowed = 0
        for chat in Int64(1000)..<1100 where try await acquire(chat, at: base + 100_000) == 0 { allowed += 1 }
        XCTAssertEqual(allowed, 30)
        // A 429's retry_after: nothing to that chat until it ends, exactly.
        result = try await acquire(2, at: base + 200_000)
        XCTAssertEqual(result, 0)
        _ = try await database.execute("UPDATE alert_limits SET blocked_until = $1 WHERE key = 'telegram:chat:2'", [String(base + 203_000)])
        result = try await acquire(2, at: base + 200_000)
        XCTAssertEqual(result, 3000)
        result = try await acquire(2, at: base + 202_999)
        XCTAssertEqual(result, 1)
        result = try await acquire(2, at: base + 203_000)
        XCTAssertEqual(result, 0)
        await database.shutdown()
    }

    /// Both nodes' dispatchers race for twelve due groups in one chat: together they keep to 1/s, and
    /// the 429 one of them gets holds back the other for exactly `retry_after`.
    func testTwoNodesKeepToOneChatsLimitsAndAFourTwentyNineStopsBoth() async throws {
        telegram.script(#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}"#)
        let (first, second) = try await twoNodes([
            "ADMIN_TELEGRAM_BOT_TOKEN": "123:secret-token", "ADMIN_TELEGRAM_CHAT_ID": "-1001",
            "ADMIN_TELEGRAM_API_URL": telegram.server.baseURL, "ADMIN_ALERTING_DISPATCH_INTERVAL_MS": "50",
        ])
        let token = try createToken(service: "billing")
        for (node, hub) in [first, second].enumerated() {
            var body = ""
            for n in 0..<6 { body += #"{"level":"critical","message":"down","error.type":"Node\#(node)Kind\#(n)Error","event.id":"tg-\#(node)-\#(n)"}"# + "\n" }
            let accepted = try await post(hub, body: Array(body.utf8), token: token)
            XCTAssertEqual(accepted.status, 202, accepted.bodyText)
        }
        try await eventually(timeout: .seconds(40), "twelve messages after the 429") { telegram.sends().count == 13 }
        let calls = telegram.calls
        XCTAssertGreaterThanOrEqual(calls[1].at - calls[0].at, .seconds(3), "retry_after 3 honoured by both nodes")
        XCTAssertEqual(telegram.violations, [], "two nodes together stay within 1 message a second to the chat")
        let texts = Set(telegram.sends().dropFirst().map(\.text))
        XCTAssertEqual(texts.count, 12, "each group once")
    }

    /// Node A learns a rate limit; node B sends nothing of that category. The per-group cap holds
    /// over both nodes. What was held back reaches Sentry in client reports with the right quantities.
    func testTwoNodesShareSentryLimitsAndReportWhatTheyDropped() async throws {
        let sentry = try await RecordingHTTPServer.start { _ in .json(#"{"id":"x"}"#) }
        let (first, second) = try await twoNodes([
            "ADMIN_SENTRY_DSN": "http://publickey@127.0.0.1:\(sentry.port)/42",
            "ADMIN_SENTRY_MAX_EVENTS_PER_GROUP_PER_MINUTE": "5", "ADMIN_SENTRY_CLIENT_REPORT_SECONDS": "1",
        ])
        let token = try createToken(service: "billing")
        // The cap counts per minute: start the storm well inside one.
        let second_ = Calendar(identifier: .gregorian).component(.second, from: Date())
        if second_ >= 40 { try await Task.sleep(for: .seconds(61 - second_)) }
        for (node, hub) in [first, second].enumerated() {
            let accepted = try await post(hub, body: ndjson(100, idPrefix: "cap-\(node)"), token: token)
            XCTAssertEqual(accepted.status, 202)
        }
        try await eventually(timeout: .seconds(20), "195 held back, reported") {
            SentryItem.discarded(in: sentry.requests)["event_processor/default"] == 195
        }
        XCTAssertEqual(SentryItem.events(in: sentry.requests).count, 5, "five a minute for the group over both nodes")

        // A rate limit answered to node A stops node B.
        sentry.setHandler { request in
            let isEvent = ((try? SentryItem.parse(request.body)) ?? []).contains { $0.type == "event" }
            return .json(#"{"id":"x"}"#, headers: isEvent ? ["X-Sentry-Rate-Limits": "60:error:organization"] : [:])
        }
        func error(_ n: Int) -> [UInt8] {
            Array(#"{"level":"error","message":"kaput","error.type":"Kaput\#(n)Error","event.id":"limited-\#(n)"}"#.utf8)
        }
        let posted = try await post(first, body: error(0), token: token)
        XCTAssertEqual(posted.status, 202)
        try await eventually(timeout: .seconds(15), "node A's envelope") { SentryItem.events(in: sentry.requests).count == 6 }
        try await Task.sleep(for: .milliseconds(500))
        for n in 1...5 {
            let response = try await post(second, body: error(n), token: token)
            XCTAssertEqual(response.status, 202)
        }
        try await eventually(timeout: .seconds(20), "node B's five, held back and reported") {
            SentryItem.discarded(in: sentry.requests)["ratelimit_backoff/error"] == 5
        }
        XCTAssertEqual(SentryItem.events(in: sentry.requests).count, 6, "nothing of category error after the limit, from either node")
        XCTAssertEqual(SentryItem.discarded(in: sentry.requests)["event_processor/default"], 195, "each drop reported once")
        await sentry.stop()
    }

    /// Each node sees 20 of 40 matching events: neither alone passes 30, together they do, and the rule fires once.
    func testThresholdRuleCountsEventsOfBothNodes() async throws {
        let path = directory.path + "/admin.yaml"
        try """
        alerting:
          receivers:
            - {name: oncall, type: telegram, bot_token: "123:abc", chat_id: -1001}
          route:
            receiver: oncall
            routes:
              - {matchers: ["level>=critical"], receiver: oncall}
          rules:
            - {name: payment-burst, type: threshold, matchers: ["service=billing", "level>=error"], count: 30, window: 24h, receiver: oncall}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let (first, second) = try await twoNodes([
            "ADMIN_CONFIG": path, "ADMIN_TELEGRAM_API_URL": telegram.server.baseURL, "ADMIN_ALERTING_DISPATCH_INTERVAL_MS": "100",
        ])
        let token = try createToken(service: "billing")
        for (node, hub) in [first, second].enumerated() {
            let posted = try await post(hub, body: ndjson(20, idPrefix: "burst-\(node)"), token: token)
            XCTAssertEqual(posted.status, 202)
        }
        try await eventually(timeout: .seconds(15), "the threshold alert") {
            telegram.sends().contains { $0.text.contains("payment-burst: more than 30 events") }
        }
        for (node, hub) in [first, second].enumerated() {
            let posted = try await post(hub, body: ndjson(20, idPrefix: "more-\(node)"), token: token)
            XCTAssertEqual(posted.status, 202)
        }
        try await Task.sleep(for: .seconds(2))
        XCTAssertEqual(telegram.sends().filter { $0.text.contains("payment-burst") }.count, 1, "once per window over both nodes")
        let database = try PostgresClient(url: databaseURL, poolSize: 1)
        let rows = try await database.query("SELECT sum(count) AS n FROM alert_rule_windows WHERE rule = 'payment-burst'", [])
        XCTAssertEqual(try rows.first?.int("n"), 80, "every event of both nodes counted")
        await database.shutdown()
    }
}

/// A spool batch's groups are written in a few statements with arrays as parameters: texts with
/// quotes, backslashes, braces, commas, the word NULL and non-ASCII must come back exactly.
final class AlertingBatchRecordTests: HubTestCase {
    func testOneBatchOfManyGroupsIsStoredExactly() async throws {
        let telegram = try await FakeTelegram.start()
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: [
            "ADMIN_TELEGRAM_BOT_TOKEN": "123:abc", "ADMIN_TELEGRAM_CHAT_ID": "-1001", "ADMIN_TELEGRAM_API_URL": telegram.server.baseURL,
        ])
        let token = try createToken(service: "billing")
        let messages = [#"he said \"hi\" \\ then {a,b}, (x)"#, "NULL", "ünïcödé — 😀 '{}'"]
        let expected = [#"he said "hi" \ then {a,b}, (x)"#, "NULL", "ünïcödé — 😀 '{}'"]
        func batch(_ round: Int) -> [UInt8] {
            var body = ""
            for (n, message) in messages.enumerated() {
                for copy in 0..<2 {
                    body += #"{"level":"error","message":"\#(message)","logger":"l\#(n)","event.id":"b-\#(round)-\#(n)-\#(copy)"}"# + "\n"
                }
            }
            body += #"{"level":"error","message":"boom","error.type":"Quote\"Error","exc_info":"Traceback (most recent call last):\n  File \"/app/x.py\", line 1, in f\n    raise Quote\"Error\nQuote\"Error: \"boom\"","event.id":"b-\#(round)-tb"}"# + "\n"
            return Array(body.utf8)
        }
        for round in 0..<2 {
            let posted = try await post(hub, body: batch(round), token: token)
            XCTAssertEqual(posted.status, 202, posted.bodyText)
            if round == 0 { try await Task.sleep(for: .seconds(1)) }
        }
        let database = try PostgresClient(url: databaseURL, poolSize: 1)
        try await eventually(timeout: .seconds(15), "both batches counted") {
            let rows = try await database.query("SELECT sum(count) AS n FROM alert_groups", [])
            return try rows.first?.int("n") == 14
        }
        let rows = try await database.query("SELECT logger, message, error_type, stack_trace, count FROM alert_groups ORDER BY logger", [])
        XCTAssertEqual(rows.count, 4)
        for (n, text) in expected.enumerated() {
            let row = try XCTUnwrap(rows.first { (try? $0.string("logger")) == "l\(n)" })
            XCTAssertEqual(try row.string("message"), text)
            XCTAssertNil(try row.string("error_type"))
            XCTAssertNil(try row.string("stack_trace"))
            XCTAssertEqual(try row.int("count"), 4)
        }
        let traced = try XCTUnwrap(rows.first { (try? $0.string("error_type")) != nil })
        XCTAssertEqual(try traced.string("error_type"), #"Quote"Error"#)
        XCTAssertTrue(try traced.string("stack_trace")?.contains(#"raise Quote"Error"#) == true)
        XCTAssertEqual(try traced.int("count"), 2)
        let minutes = try await database.query("SELECT sum(count) AS n FROM alert_group_minutes", [])
        XCTAssertEqual(try minutes.first?.int("n"), 14, "the sparklines' counts too")
        await database.shutdown()
        await telegram.server.stop()
    }
}
