import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// The alerting API with a real hub: groups, acknowledgement (edits the Telegram message, audited),
/// silences (validated, audited, mute notifications), the configuration with secrets masked.
final class AlertingAPITests: StaffTestCase {
    var telegram: FakeTelegram!

    override func setUp() async throws {
        try await super.setUp()
        telegram = try await FakeTelegram.start()
    }

    override func tearDown() async throws {
        await telegram?.server.stop()
        try await super.tearDown()
    }

    func testAcknowledgeSilenceAndConfig() async throws {
        let hub = try await startStaffHub(extra: [
            "ADMIN_TELEGRAM_BOT_TOKEN": "123:secret-token", "ADMIN_TELEGRAM_CHAT_ID": "-1001",
            "ADMIN_TELEGRAM_API_URL": telegram.server.baseURL, "ADMIN_ALERTING_DISPATCH_INTERVAL_MS": "100",
        ])
        try createUser("ann@example.com", roles: ["oncall"])
        try createUser("sam@example.com", roles: ["support"])
        let ann = StaffClient(bearer: try personalToken("ann@example.com"))
        let sam = StaffClient(bearer: try personalToken("sam@example.com"))
        let token = try createToken(service: "billing")
        let posted = try await post(hub, body: Array(#"{"level":"critical","message":"db <down> & out","event.id":"api-1"}"#.utf8), token: token)
        XCTAssertEqual(posted.status, 202)
        try await eventually(timeout: .seconds(15), "the alert message") { telegram.sends().count == 1 }
        XCTAssertTrue(telegram.sends()[0].text.contains("db &lt;down&gt; &amp; out"))

        let list = try json(try await send(hub, .get, "/api/v1/alerts", as: sam))
        let alert = try XCTUnwrap(list["alerts"]?.arrayValue?.first)
        XCTAssertEqual(alert["state"]?.stringValue, "firing")
        XCTAssertEqual(alert["count"], .int(1))
        XCTAssertEqual(alert["receivers"], ["telegram"])
        guard case .int(let id)? = alert["id"] else { return XCTFail("no id") }

        let refused = try await send(hub, .post, "/api/v1/alerts/\(id)/ack", as: sam)
        XCTAssertEqual(refused.status, 403, "support may read, not acknowledge")
        let acked = try await send(hub, .post, "/api/v1/alerts/\(id)/ack", as: ann)
        XCTAssertEqual(acked.status, 200, acked.bodyText)
        XCTAssertEqual(try json(acked)["alert"]?["state"]?.stringValue, "acknowledged")
        try await eventually(timeout: .seconds(10), "the message says who acknowledged it") {
            telegram.edits().contains { $0.text.contains("Acknowledged by") }
        }

        let badSilence = try await send(hub, .post, "/api/v1/silences", as: ann, json: #"{"matchers":["colour=red"],"duration":"1h"}"#)
        XCTAssertEqual(badSilence.status, 400)
        XCTAssertEqual(try json(badSilence)["error"]?.stringValue, "invalid_matcher")
        let badDuration = try await send(hub, .post, "/api/v1/silences", as: ann, json: #"{"matchers":["service=billing"],"duration":"5 minutes"}"#)
        XCTAssertEqual(try json(badDuration)["error"]?.stringValue, "invalid_duration")
        let created = try await send(hub, .post, "/api/v1/silences", as: ann,
                                     json: #"{"matchers":["service=billing"],"duration":"1h","comment":"deploy"}"#)
        XCTAssertEqual(created.status, 201, created.bodyText)
        guard case .int(let silenceID)? = try json(created)["silence"]?["id"] else { return XCTFail("no silence id") }

        // A new kind of error from the silenced service is stored and counted, not sent.
        let quiet = try await post(hub, body: Array(#"{"level":"critical","message":"another thing","error.type":"Other","event.id":"api-2"}"#.utf8), token: token)
        XCTAssertEqual(quiet.status, 202)
        try await eventually(timeout: .seconds(10), "the silenced group is stored") {
            let alerts = try json(try await send(hub, .get, "/api/v1/alerts?state=silenced", as: sam))["alerts"]?.arrayValue ?? []
            return alerts.count == 1
        }
        try await Task.sleep(for: .seconds(1))
        XCTAssertEqual(telegram.sends().count, 1, "silenced groups do not notify")

        let expired = try await send(hub, .delete, "/api/v1/silences/\(silenceID)", as: ann)
        XCTAssertEqual(expired.status, 200, expired.bodyText)
        XCTAssertEqual(try json(expired)["silence"]?["active"], .bool(false))
        let unknown = try await send(hub, .delete, "/api/v1/silences/999999", as: ann)
        XCTAssertEqual(unknown.status, 404)

        let config = try await send(hub, .get, "/api/v1/alerting/config", as: sam)
        XCTAssertEqual(config.status, 200)
        XCTAssertFalse(config.bodyText.contains("secret-token"), "secrets masked")
        XCTAssertTrue(config.bodyText.contains("\"group_wait\":\"10s\""))

        try createUser("root@example.com", roles: ["admin"])
        let actions = try await auditEntries(hub, token: try personalToken("root@example.com")).compactMap { $0["action"]?.stringValue }
        XCTAssertTrue(actions.contains("alert_acknowledged"))
        XCTAssertTrue(actions.contains("silence_created"))
        XCTAssertTrue(actions.contains("silence_expired"))
    }
}
