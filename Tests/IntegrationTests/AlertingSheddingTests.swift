import ClientHTTP
import ClientPostgres
import Foundation
import LogModel
import TestSupport
import XCTest

/// Far behind the spool, alerting sheds its least severe events rather than skipping segments of
/// every level: in a burst the errors still reach on-call, the warnings are counted as shed, and
/// once it has caught up every level is evaluated again.
final class AlertingSheddingTests: TelegramHubTestCase {
    /// Every event to Telegram, grouped by level; a 1 MiB lag bound: shedding starts 512 KiB behind.
    func startShedding(_ shedBelow: String = "error") async throws -> HubProcess {
        let path = directory.path + "/admin.yaml"
        try """
        alerting:
          spool_max_lag_bytes: 1048576
          shed_below: \(shedBelow)
          receivers:
            - name: oncall
              type: telegram
              bot_token: "123:abc"
              chat_id: -1001
          route:
            receiver: oncall
            group_by: ["level"]
            group_wait: 1s
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return try await startHub(mongo: false, elasticsearch: false, extra: [
            "ADMIN_CONFIG": path, "ADMIN_TELEGRAM_API_URL": telegram.server.baseURL, "ADMIN_ALERTING_DISPATCH_INTERVAL_MS": "100",
        ])
    }

    /// 3,000 warnings and one error in one request: ~1 MB of spool records, read as one batch that
    /// begins 1 MB behind the spool's end.
    func burst(_ prefix: String) -> [UInt8] {
        var text = ""
        for n in 0..<3000 {
            text += #"{"level":"warning","message":"disk nearly full","logger":"billing.storage","event.id":"\#(prefix)-\#(n)","#
            text += #""host":"billing-web-\#(n % 7)","trace_id":"\#(String(repeating: "ab", count: 16))"}"# + "\n"
        }
        text += #"{"level":"error","message":"payment failed","event.id":"\#(prefix)-error"}"# + "\n"
        return Array(text.utf8)
    }

    func spoolHealth(_ hub: HubProcess) async throws -> JSONValue? {
        try json(try await get(hub.baseURL + "/readyz"))["alerts"]?["spool"]
    }

    func testABurstShedsTheWarningsButNotTheErrorThenEveryLevelIsEvaluatedAgain() async throws {
        let hub = try await startShedding()
        let token = try createToken(service: "billing")
        let posted = try await post(hub, body: burst("b"), token: token)
        XCTAssertEqual(posted.status, 202, posted.bodyText)
        try await eventually(timeout: .seconds(20), "the error's message") {
            telegram.sends().contains { $0.text.contains("payment failed") }
        }
        let spool = try await spoolHealth(hub)
        XCTAssertEqual(spool?["shed_events"]?.int64Value, 3000, "\(String(describing: spool))")
        // Admins read what it means on the status API (and page).
        try createUser("oncall@shed.test", roles: ["admin"])
        let status = try await send(hub, .get, "/api/v1/status", as: StaffClient(bearer: try personalToken("oncall@shed.test")))
        XCTAssertTrue(status.bodyText.contains("shed 3000 events below error"), status.bodyText)
        XCTAssertEqual(spool?["dropped_bytes"]?.int64Value, 0, "shedding kept it within its bound: no segment skipped")
        let metrics = try await get(hub.baseURL + "/metrics").bodyText
        XCTAssertEqual(MetricSample.value(in: metrics, "admin_alerting_shed_events_total", [:]), 3000)
        try await Task.sleep(for: .seconds(2))
        XCTAssertFalse(telegram.sends().contains { $0.text.contains("disk nearly full") }, "the shed warnings reached no route")

        // Caught up: a warning on its own is evaluated again.
        let single = try await post(hub, body: Array(#"{"level":"warning","message":"disk nearly full","event.id":"w-1"}"#.utf8), token: token)
        XCTAssertEqual(single.status, 202)
        try await eventually(timeout: .seconds(20), "the warning's message once caught up") {
            telegram.sends().contains { $0.text.contains("disk nearly full") }
        }
        let after = try await spoolHealth(hub)
        XCTAssertEqual(after?["shed_events"]?.int64Value, 3000, "nothing more shed")
        XCTAssertTrue(try String(contentsOfFile: hub.logPath, encoding: .utf8).contains("events below error are shed"), "the start of shedding is logged")
    }

    /// While it sheds, `/readyz` and the status page say so; once nothing is left to read it is
    /// `ready` again without waiting for another event. A lock on `alert_groups` holds the evaluator
    /// in the middle of the shed batch (recording the error's group) for as long as the test needs.
    func testTheSpoolPartSaysSheddingWhileItShedsAndReadyOnceCaughtUp() async throws {
        let hub = try await startShedding()
        let token = try createToken(service: "billing")
        let database = try PostgresClient(url: databaseURL, poolSize: 1)
        let (lockTaken, lockTakenSignal) = AsyncStream<Void>.makeStream()
        let (releaseWaiter, release) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await database.transaction { connection in
                _ = try await connection.query("LOCK TABLE alert_groups IN SHARE ROW EXCLUSIVE MODE", [])
                lockTakenSignal.yield()
                for await _ in releaseWaiter { break }
            }
        }
        for await _ in lockTaken { break }
        let posted = try await post(hub, body: burst("l"), token: token)
        XCTAssertEqual(posted.status, 202, posted.bodyText)
        try await eventually(timeout: .seconds(20), "the part says it sheds") {
            try await self.spoolHealth(hub)?["state"]?.stringValue == "shedding"
        }
        try createUser("oncall@shed.test", roles: ["admin"])
        let admin = StaffClient(bearer: try personalToken("oncall@shed.test"))
        let status = try await send(hub, .get, "/api/v1/status", as: admin).bodyText
        XCTAssertTrue(status.contains("shedding now: more than 512.0 KiB behind the spool, events below error are counted, not evaluated, "
                                      + "until it is back within 128.0 KiB"), status)
        let page = try await send(hub, .get, "/status", as: admin).bodyText
        XCTAssertTrue(page.contains(#"<span class="state state-shedding">shedding</span>"#), "the status page marks it")

        release.yield()
        try await holder.value
        await database.shutdown()
        try await eventually(timeout: .seconds(20), "ready again with no further event") {
            try await self.spoolHealth(hub)?["state"]?.stringValue == "ready"
        }
        try await eventually(timeout: .seconds(20), "the error's message") {
            self.telegram.sends().contains { $0.text.contains("payment failed") }
        }
        XCTAssertTrue(try String(contentsOfFile: hub.logPath, encoding: .utf8).contains("alerting caught up"), "the end is logged")
    }

    func testShedBelowOffEvaluatesEveryLevelOfTheBurst() async throws {
        let hub = try await startShedding("off")
        let token = try createToken(service: "billing")
        let posted = try await post(hub, body: burst("o"), token: token)
        XCTAssertEqual(posted.status, 202, posted.bodyText)
        try await eventually(timeout: .seconds(20), "both messages") {
            telegram.sends().contains { $0.text.contains("payment failed") } && telegram.sends().contains { $0.text.contains("disk nearly full") }
        }
        let spool = try await spoolHealth(hub)
        XCTAssertEqual(spool?["shed_events"]?.int64Value, 0)
        // The burst spans several of the evaluator's reads (1 MB each): every warning is counted once.
        try createUser("sam@shed.test", roles: ["support"])
        let sam = StaffClient(bearer: try personalToken("sam@shed.test"))
        try await eventually(timeout: .seconds(20), "the groups' counts") {
            let alerts = try json(try await send(hub, .get, "/api/v1/alerts", as: sam))["alerts"]?.arrayValue ?? []
            return alerts.compactMap { $0["count"]?.int64Value }.sorted() == [1, 3000]
        }
    }
}
