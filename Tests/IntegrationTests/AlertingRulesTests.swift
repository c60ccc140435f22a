import ClientHTTP
import Crypto
import Foundation
import LogModel
import TestSupport
import XCTest

/// Threshold and absence rules end to end, notifying through the fake Bot API.
final class AlertingRulesTests: TelegramHubTestCase {
    func testThresholdFiresOncePerWindowAndAbsenceFiresAndResolves() async throws {
        let path = directory.path + "/admin.yaml"
        try """
        alerting:
          receivers:
            - name: oncall
              type: telegram
              bot_token: "123:abc"
              chat_id: -1001
          route:
            receiver: oncall
            routes:
              - matchers: ["level>=critical"]
                receiver: oncall
          rules:
            - name: payment-burst
              type: threshold
              matchers: ["service=billing", "level>=error"]
              count: 5
              window: 1h
              receiver: oncall
            - name: cron-heartbeat
              type: absence
              matchers: ["service=cron"]
              window: 2s
              receiver: oncall
              level: critical
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: [
            "ADMIN_CONFIG": path, "ADMIN_TELEGRAM_API_URL": telegram.server.baseURL, "ADMIN_ALERTING_DISPATCH_INTERVAL_MS": "100",
        ])
        let billing = try createToken(service: "billing")
        let cron = try createToken(service: "cron")
        // The route takes critical only: these errors reach Telegram through the rule alone.
        for batch in 0..<2 {
            let posted = try await post(hub, body: ndjson(20, idPrefix: "burst-\(batch)"), token: billing)
            XCTAssertEqual(posted.status, 202)
        }
        let heartbeat = try await post(hub, body: Array(#"{"level":"info","message":"tick","event.id":"cron-1"}"#.utf8), token: cron)
        XCTAssertEqual(heartbeat.status, 202)
        try await eventually(timeout: .seconds(15), "the threshold alert") {
            telegram.sends().contains { $0.text.contains("payment-burst: more than 5 events") }
        }
        try await eventually(timeout: .seconds(15), "the absence alert") {
            telegram.sends().contains { $0.text.contains("cron-heartbeat: no event matching service=cron for 2s") }
        }
        XCTAssertEqual(telegram.sends().filter { $0.text.contains("payment-burst") }.count, 1, "once per window")
        let back = try await post(hub, body: Array(#"{"level":"info","message":"tick","event.id":"cron-2"}"#.utf8), token: cron)
        XCTAssertEqual(back.status, 202)
        try await eventually(timeout: .seconds(15), "the absence alert resolves when cron is back") {
            telegram.edits().contains { $0.text.contains("cron-heartbeat") && $0.text.contains("Resolved") }
        }
        XCTAssertEqual(telegram.sends().filter { $0.text.contains("payment-burst") }.count, 1)
        XCTAssertEqual(telegram.violations, [])
    }
}

/// A `webhook` receiver: signed JSON per notification.
final class AlertingWebhookReceiverTests: HubTestCase {
    func testNotificationsArePostedWithAnHMACSignature() async throws {
        let receiver = try await RecordingHTTPServer.start { _ in .json("{}") }
        let path = directory.path + "/admin.yaml"
        try """
        alerting:
          receivers:
            - {name: hooks, type: webhook, url: "\(receiver.baseURL)/alerts", secret: "hook-key"}
          route:
            receiver: hooks
            resolve_after: 2s
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: ["ADMIN_CONFIG": path, "ADMIN_ALERTING_DISPATCH_INTERVAL_MS": "100"])
        let token = try createToken(service: "billing")
        let posted = try await post(hub, body: Array(#"{"level":"critical","message":"queue stuck","event.id":"hook-1"}"#.utf8), token: token)
        XCTAssertEqual(posted.status, 202)
        try await eventually(timeout: .seconds(15), "firing, then resolved") { receiver.requests.count >= 2 }
        let requests = receiver.requests
        for request in requests {
            let mac = HMAC<SHA256>.authenticationCode(for: request.body, using: SymmetricKey(data: Array("hook-key".utf8)))
            XCTAssertEqual(request.headers["X-Admin-Signature"], "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
        }
        let first = try JSONParser.parse(requests[0].body)
        XCTAssertEqual(first["action"]?.stringValue, "new")
        XCTAssertEqual(first["alert"]?["service"]?.stringValue, "billing")
        XCTAssertEqual(first["alert"]?["count"], .int(1))
        XCTAssertEqual(try JSONParser.parse(requests[1].body)["status"]?.stringValue, "resolved")
        let metrics = try await get(hub.baseURL + "/metrics").bodyText
        XCTAssertEqual(MetricSample.value(in: metrics, "admin_alert_notification_delay_seconds_count", ["receiver": "hooks"]), 1,
                       "the first notification's delay, once (not the resolution's)")
        await receiver.stop()
    }
}
