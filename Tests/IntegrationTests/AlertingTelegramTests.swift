import ClientHTTP
import Foundation
import LogModel
import Synchronization
import TestSupport
import XCTest

/// A Bot API double that records every call and enforces Telegram's limits: a second request to a
/// chat within a second, or a 21st to a group chat within a minute, is answered 429 and counted as
/// a violation. Answers can be scripted per call.
final class FakeTelegram: Sendable {
    struct Call: Sendable {
        var method: String
        var chat: Int64
        var at: ContinuousClock.Instant
        var body: JSONValue
        var text: String { body["text"]?.stringValue ?? "" }
    }

    struct State {
        var calls: [Call] = []
        var nextMessageID: Int64 = 100
        var violations: [String] = []
        var scripted: [String] = []
    }

    let server: RecordingHTTPServer
    private let state: Mutex<State>

    private init(server: RecordingHTTPServer) {
        self.server = server
        state = Mutex(State())
    }

    static func start() async throws -> FakeTelegram {
        let server = try await RecordingHTTPServer.start()
        let fake = FakeTelegram(server: server)
        server.setHandler { request in fake.answer(request) }
        return fake
    }

    var calls: [Call] { state.withLock { $0.calls } }
    var violations: [String] { state.withLock { $0.violations } }
    func sends() -> [Call] { calls.filter { $0.method == "sendMessage" } }
    func edits() -> [Call] { calls.filter { $0.method == "editMessageText" } }

    /// The next call gets this JSON answer (status taken from `error_code`, else 200).
    func script(_ json: String) { state.withLock { $0.scripted.append(json) } }

    func answer(_ request: RecordedRequest) -> RecordingResponse {
        let method = String(request.path.split(separator: "/").last ?? "")
        let body = (try? JSONParser.parse(request.body)) ?? .null
        let now = ContinuousClock.now
        guard case .int(let chat)? = body["chat_id"] else {
            // answerCallbackQuery and friends: no chat, no chat limits.
            state.withLock { $0.calls.append(Call(method: method, chat: 0, at: now, body: body)) }
            return .json(#"{"ok":true,"result":true}"#)
        }
        return state.withLock { s in
            let previous = s.calls.filter { $0.chat == chat && $0.method != "answerCallbackQuery" }
            s.calls.append(Call(method: method, chat: chat, at: now, body: body))
            if !s.scripted.isEmpty {
                let text = s.scripted.removeFirst()
                let status: Int = { if case .int(let c)? = (try? JSONParser.parse(text))?["error_code"] { return Int(c) } else { return 200 } }()
                return .json(text, status: status)
            }
            if let last = previous.last, now - last.at < .milliseconds(950) {
                s.violations.append("two requests to chat \(chat) within \(now - last.at)")
                return .json(#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}"#, status: 429)
            }
            if chat < 0, previous.filter({ now - $0.at < .seconds(60) }).count >= 20 {
                s.violations.append("more than 20 requests a minute to group \(chat)")
                return .json(#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}"#, status: 429)
            }
            if method == "sendMessage" {
                s.nextMessageID += 1
                return .json(#"{"ok":true,"result":{"message_id":\#(s.nextMessageID),"chat":{"id":\#(chat)}}}"#)
            }
            return .json(#"{"ok":true,"result":true}"#)
        }
    }
}

/// Telegram alerting end to end: a real `admin serve` reading its spool, PostgreSQL state, and the
/// fake Bot API above.
final class AlertingTelegramTests: TelegramHubTestCase {
    func alertingEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        [
            "ADMIN_TELEGRAM_BOT_TOKEN": "123:secret-token", "ADMIN_TELEGRAM_CHAT_ID": "-1001",
            "ADMIN_TELEGRAM_API_URL": telegram.server.baseURL, "ADMIN_ALERTING_GROUP_WAIT": "1s",
            "ADMIN_ALERTING_GROUP_INTERVAL": "2s", "ADMIN_ALERTING_DISPATCH_INTERVAL_MS": "100",
        ].merging(extra) { $1 }
    }

    func postStorm(_ hub: HubProcess, token: String, batches: Int, prefix: String) async throws {
        for b in 0..<batches {
            let response = try await post(hub, body: ndjson(1000, idPrefix: "\(prefix)-\(b)"), token: token)
            XCTAssertEqual(response.status, 202, response.bodyText)
        }
    }

    func testStormOfTenThousandIdenticalErrorsIsOneMessageThenEdits() async throws {
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: alertingEnvironment())
        let token = try createToken(service: "billing")
        // Half the storm lands before group_wait ends, half while the message is up.
        try await postStorm(hub, token: token, batches: 5, prefix: "storm")
        try await eventually(timeout: .seconds(20), "the first message") { telegram.sends().count == 1 }
        try await postStorm(hub, token: token, batches: 5, prefix: "storm-more")
        try await eventually(timeout: .seconds(30), "an edit shows all 10,000 events") {
            telegram.edits().contains { $0.text.contains("Count: 10000") }
        }
        try await Task.sleep(for: .seconds(3))
        XCTAssertEqual(telegram.sends().count, 1, "exactly one sendMessage for the group")
        let send = try XCTUnwrap(telegram.sends().first)
        XCTAssertEqual(send.body["parse_mode"]?.stringValue, "HTML")
        XCTAssertTrue(send.text.contains("ERROR"), send.text)
        XCTAssertTrue(send.text.contains("billing"), send.text)
        XCTAssertTrue(send.text.contains("/search?q="), "a link to the logs")
        let edits = telegram.edits()
        XCTAssertFalse(edits.isEmpty)
        XCTAssertTrue(edits.allSatisfy { $0.body["message_id"] == .int(101) }, "edits go to the one message")
        for (a, b) in zip([send] + edits, edits) {
            XCTAssertGreaterThanOrEqual(b.at - a.at, .milliseconds(1900), "no more often than group_interval (2 s)")
        }
        XCTAssertEqual(telegram.violations, [], "the hub stays within Telegram's limits")
        XCTAssertFalse(send.body.jsonString.contains("secret-token"))
    }

    func testRetryAfterIsHonouredExactly() async throws {
        telegram.script(#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}"#)
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: alertingEnvironment())
        let token = try createToken(service: "billing")
        let body = Array(#"{"level":"critical","message":"database down","event.id":"crit-1"}"#.utf8)
        let accepted = try await post(hub, body: body, token: token)
        XCTAssertEqual(accepted.status, 202)
        try await eventually(timeout: .seconds(20), "the message goes out after the 429") { telegram.sends().count == 2 }
        let sends = telegram.sends()
        let gap = sends[1].at - sends[0].at
        XCTAssertGreaterThanOrEqual(gap, .seconds(3), "retry_after 3 honoured")
        XCTAssertLessThan(gap, .seconds(5), "and not much later")
        XCTAssertEqual(sends[1].text, sends[0].text, "the same message is sent again")
    }

    /// `admin_alert_notification_delay_seconds{receiver}`: one sample for the episode's first message
    /// (first event read → request), none for the repeat that follows it past `repeat_interval`.
    func testTheFirstMessagesDelayIsRecordedOncePerEpisode() async throws {
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: alertingEnvironment(["ADMIN_ALERTING_REPEAT_INTERVAL": "2s"]))
        let token = try createToken(service: "billing")
        let first = try await post(hub, body: Array(#"{"level":"critical","message":"queue stuck","event.id":"d-1"}"#.utf8), token: token)
        XCTAssertEqual(first.status, 202)
        try await eventually(timeout: .seconds(15), "the first message") { telegram.sends().count == 1 }
        let delay = ["receiver": "telegram"]
        try await eventually(timeout: .seconds(5), "the delay is recorded") {
            MetricSample.value(in: try await get(hub.baseURL + "/metrics").bodyText, "admin_alert_notification_delay_seconds_count", delay) == 1
        }
        try await Task.sleep(for: .milliseconds(2200))
        let second = try await post(hub, body: Array(#"{"level":"critical","message":"queue stuck","event.id":"d-2"}"#.utf8), token: token)
        XCTAssertEqual(second.status, 202)
        try await eventually(timeout: .seconds(15), "a new message past repeat_interval") { telegram.sends().count == 2 }
        try await Task.sleep(for: .milliseconds(300))  // the reply is recorded after the request arrives
        let metrics = try await get(hub.baseURL + "/metrics").bodyText
        XCTAssertEqual(MetricSample.value(in: metrics, "admin_alert_notification_delay_seconds_count", delay), 1,
                       "a repeat is not the episode's first notification")
        let seconds = try XCTUnwrap(MetricSample.value(in: metrics, "admin_alert_notification_delay_seconds_sum", delay))
        XCTAssertGreaterThanOrEqual(seconds, 0)
        XCTAssertLessThan(seconds, 2, "read → request of a critical event (group_wait 0), not the time since the episode began")
    }

    func testKillNineDuringStormThenRestartSendsNoSecondMessage() async throws {
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: alertingEnvironment())
        let token = try createToken(service: "billing")
        try await postStorm(hub, token: token, batches: 3, prefix: "before")
        try await eventually(timeout: .seconds(20), "the first message") { telegram.sends().count == 1 }
        try await postStorm(hub, token: token, batches: 2, prefix: "during")
        hub.kill9()
        let restarted = try await restart(hub)
        try await postStorm(restarted, token: token, batches: 2, prefix: "after")
        try await eventually(timeout: .seconds(20), "an edit after the restart") {
            telegram.edits().contains { edit in edit.at > telegram.sends()[0].at + .seconds(1) && edit.text.contains("Count: 7000") }
        }
        XCTAssertEqual(telegram.sends().count, 1, "no second sendMessage for the same group")
        XCTAssertEqual(telegram.violations, [])
    }

    func testTwoNodesAgainstOneDatabaseSendOnce() async throws {
        let first = try await startHub(mongo: false, elasticsearch: false, extra: alertingEnvironment())
        let second = try await startHub(mongo: false, elasticsearch: false,
                                        extra: alertingEnvironment(["ADMIN_DATA_DIR": directory.path + "/data-2"]))
        let token = try createToken(service: "billing")
        // Alternate between the nodes, as a load balancer would.
        for b in 0..<2 {
            for (node, hub) in [first, second].enumerated() {
                let response = try await post(hub, body: ndjson(1000, idPrefix: "node\(node)-\(b)"), token: token)
                XCTAssertEqual(response.status, 202, response.bodyText)
            }
        }
        try await eventually(timeout: .seconds(20), "both nodes' events are counted") {
            (telegram.edits() + telegram.sends()).contains { $0.text.contains("Count: 4000") }
        }
        XCTAssertEqual(telegram.sends().count, 1, "one message for the group across two nodes")
        XCTAssertEqual(telegram.violations, [])
    }

    /// 403: the receiver is disabled, nothing more goes to that chat, and the other receivers hear of it:
    /// the hub's own error log line (self-ingest) reaches Sentry as an error of service `admin`.
    func testForbiddenDisablesTheReceiver() async throws {
        telegram.script(#"{"ok":false,"error_code":403,"description":"Forbidden: bot was kicked from the supergroup chat"}"#)
        let sentry = try await RecordingHTTPServer.start { _ in .json(#"{"id":"x"}"#) }
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: alertingEnvironment([
            "ADMIN_SENTRY_DSN": "http://publickey@127.0.0.1:\(sentry.port)/42", "ADMIN_SELF_INGEST": "true",
        ]))
        let token = try createToken(service: "billing")
        let first = try await post(hub, body: Array(#"{"level":"critical","message":"disk full","event.id":"c-1"}"#.utf8), token: token)
        XCTAssertEqual(first.status, 202)
        try await eventually(timeout: .seconds(15), "the receiver is disabled") {
            let ready = try await get(hub.baseURL + "/readyz")
            return try json(ready)["alerts"]?["telegram"]?["state"]?.stringValue == "disabled"
        }
        let second = try await post(hub, body: Array(#"{"level":"critical","message":"other thing","event.id":"c-2"}"#.utf8), token: token)
        XCTAssertEqual(second.status, 202)
        try await Task.sleep(for: .seconds(2))
        XCTAssertEqual(telegram.calls.count, 1, "nothing more is sent to a chat that removed the bot")
        try await eventually(timeout: .seconds(30), "Sentry hears that the Telegram receiver was disabled") {
            sentry.requests.contains { $0.bodyText.contains("alert receiver disabled") }
        }
        await sentry.stop()
        // The evaluator's reader on /readyz: its lag, and what it skipped past its bound (nothing here).
        let spool = try json(try await get(hub.baseURL + "/readyz"))["alerts"]?["spool"]
        XCTAssertNotNil(spool?["lag_bytes"]?.int64Value, "\(String(describing: spool))")
        XCTAssertEqual(spool?["dropped_bytes"]?.int64Value, 0)
        XCTAssertEqual(spool?["dropped_segments"]?.int64Value, 0)
        XCTAssertEqual(spool?["shed_events"]?.int64Value, 0)
    }

    func testPastThePerChatCapNewGroupsGoIntoOneDigest() async throws {
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: alertingEnvironment(["ADMIN_ALERTING_PER_CHAT_PER_MINUTE": "2"]))
        let token = try createToken(service: "billing")
        var body = ""
        for n in 0..<6 { body += #"{"level":"critical","message":"failure","error.type":"Kind\#(n)Error","event.id":"digest-\#(n)"}"# + "\n" }
        let accepted = try await post(hub, body: Array(body.utf8), token: token)
        XCTAssertEqual(accepted.status, 202)
        try await eventually(timeout: .seconds(20), "two messages and a digest") {
            telegram.sends().contains { $0.text.contains("4 more alert groups in the last minute") }
        }
        try await Task.sleep(for: .seconds(2))
        XCTAssertEqual(telegram.sends().count, 3, "two groups of their own, the rest in one digest")
        XCTAssertEqual(telegram.violations, [])
        let metrics = try await get(hub.baseURL + "/metrics")
        XCTAssertTrue(metrics.bodyText.contains(#"admin_alert_notifications_total{receiver="telegram",outcome="suppressed"} 4"#)
                      || metrics.bodyText.contains(#"admin_alert_notifications_total{outcome="suppressed",receiver="telegram"} 4"#), "suppressed counted")
    }

    func testMigratedChatIsFollowedAndRemembered() async throws {
        telegram.script(#"{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1002}}"#)
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: alertingEnvironment())
        let token = try createToken(service: "billing")
        let first = try await post(hub, body: Array(#"{"level":"critical","message":"one","error.type":"A","event.id":"m-1"}"#.utf8), token: token)
        XCTAssertEqual(first.status, 202)
        try await eventually(timeout: .seconds(15), "the message reaches the supergroup") { telegram.sends().contains { $0.chat == -1002 } }
        let second = try await post(hub, body: Array(#"{"level":"critical","message":"two","error.type":"B","event.id":"m-2"}"#.utf8), token: token)
        XCTAssertEqual(second.status, 202)
        try await eventually(timeout: .seconds(15), "a new group goes to the new chat too") { telegram.sends().filter { $0.chat == -1002 }.count == 2 }
        XCTAssertEqual(telegram.sends().filter { $0.chat == -1001 }.count, 1, "the old chat was tried once")
    }

    func testRefusedEntitiesFallBackToPlainText() async throws {
        telegram.script(#"{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Unsupported start tag"}"#)
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: alertingEnvironment())
        let token = try createToken(service: "billing")
        let posted = try await post(hub, body: Array(#"{"level":"critical","message":"a < b & c","event.id":"p-1"}"#.utf8), token: token)
        XCTAssertEqual(posted.status, 202)
        try await eventually(timeout: .seconds(15), "the plain-text message") { telegram.sends().count == 2 }
        let plain = telegram.sends()[1]
        XCTAssertNil(plain.body["parse_mode"])
        XCTAssertTrue(plain.text.contains("a < b & c"), plain.text)
        XCTAssertEqual(telegram.violations, [])
    }
}
