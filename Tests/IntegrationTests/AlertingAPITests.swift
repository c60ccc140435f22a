import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// The alerting API with a real hub: groups, acknowledgement (edits the Telegram message, audited),
/// silences (validated, audited, mute notifications), the configuration with secrets masked.
final class AlertingAPITests: TelegramHubTestCase {
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

        let page = try await send(hub, .get, "/alerts", as: sam)
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.bodyText.contains("db &lt;down&gt; &amp; out"), "the page escapes values")
        XCTAssertTrue(page.bodyText.contains("<polyline"), "a sparkline per open group")
        XCTAssertTrue(page.bodyText.contains("route.routes[0]: level&gt;=error → telegram"), "routing as loaded")
        XCTAssertFalse(page.bodyText.contains("Create silence"), "support cannot create silences")
        let annPage = try await send(hub, .get, "/alerts", as: ann)
        XCTAssertTrue(annPage.bodyText.contains("Create silence"))

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

/// The alert buttons through `POST /api/v1/telegram/webhook`.
final class AlertingWebhookTests: TelegramHubTestCase {
    func update(_ id: Int, from user: Int64, data: String) -> String {
        #"{"update_id":\#(id),"callback_query":{"id":"cb-\#(id)","from":{"id":\#(user),"is_bot":false,"first_name":"X"},"chat_instance":"1","data":"\#(data)"}}"#
    }

    func testButtonsActOnlyForLinkedAllowedUsersOncePerUpdate() async throws {
        let hub = try await startStaffHub(extra: [
            "ADMIN_TELEGRAM_BOT_TOKEN": "123:secret-token", "ADMIN_TELEGRAM_CHAT_ID": "-1001",
            "ADMIN_TELEGRAM_API_URL": telegram.server.baseURL, "ADMIN_ALERTING_DISPATCH_INTERVAL_MS": "100",
            "ADMIN_TELEGRAM_WEBHOOK_SECRET": "s3cret_token",
        ])
        try createUser("ann@example.com", roles: ["oncall"])
        try createUser("sam@example.com", roles: ["support"])
        try createUser("root@example.com", roles: ["admin"])
        let root = StaffClient(bearer: try personalToken("root@example.com"))
        let users = try json(try await send(hub, .get, "/api/v1/users", as: root))["users"]?.arrayValue ?? []
        func id(_ email: String) -> Int64 {
            if case .int(let id)? = users.first(where: { $0["email"]?.stringValue == email })?["id"] { return id }
            return 0
        }
        // One linked through the API, one through the CLI.
        let linked = try await send(hub, .put, "/api/v1/users/\(id("sam@example.com"))/telegram", as: root, json: #"{"telegram_user_id":888}"#)
        XCTAssertEqual(linked.status, 200, linked.bodyText)
        XCTAssertEqual(try json(linked)["user"]?["telegram_user_id"], .int(888))
        let taken = try await send(hub, .put, "/api/v1/users/\(id("ann@example.com"))/telegram", as: root, json: #"{"telegram_user_id":888}"#)
        XCTAssertEqual(taken.status, 409, "one Telegram user, one staff account")
        XCTAssertTrue(try cli(["user", "set-telegram", "--email", "ann@example.com", "--telegram-id", "777"]).contains("777"))
        let token = try createToken(service: "billing")
        let posted = try await post(hub, body: Array(#"{"level":"critical","message":"queue stuck","event.id":"wh-1"}"#.utf8), token: token)
        XCTAssertEqual(posted.status, 202)
        try await eventually(timeout: .seconds(15), "the alert message") { telegram.sends().count == 1 }
        let buttons = telegram.sends()[0].body["reply_markup"]?["inline_keyboard"]?.arrayValue?.first?.arrayValue ?? []
        XCTAssertEqual(buttons.compactMap { $0["text"]?.stringValue }, ["✅ Acknowledge", "🔕 Silence 1h", "🔕 Silence 24h"])
        guard let data = buttons.first?["callback_data"]?.stringValue else { return XCTFail("no callback data") }
        let groupID = data.split(separator: ":")[1]

        func webhook(_ body: String, secret: String = "s3cret_token") async throws -> HTTPResponse {
            try await post(hub, body: Array(body.utf8), token: nil, contentType: "application/json",
                           headers: [("X-Telegram-Bot-Api-Secret-Token", secret)], path: "/api/v1/telegram/webhook")
        }
        func state() async throws -> String? {
            try json(try await send(hub, .get, "/api/v1/alerts", as: root))["alerts"]?.arrayValue?.first?["state"]?.stringValue
        }
        let wrong = try await webhook(update(1, from: 777, data: data), secret: "s3cret_tokem")
        XCTAssertEqual(wrong.status, 401)
        let stranger = try await webhook(update(2, from: 999, data: data))
        XCTAssertEqual(stranger.status, 200)
        let support = try await webhook(update(3, from: 888, data: data))
        XCTAssertEqual(support.status, 200)
        let refusals = telegram.calls.filter { $0.method == "answerCallbackQuery" }
        XCTAssertEqual(refusals.count, 2)
        XCTAssertTrue(refusals.allSatisfy { $0.body["text"]?.stringValue?.contains("not linked") == true })
        let firing = try await state()
        XCTAssertEqual(firing, "firing", "refused presses change nothing")

        let ack = try await webhook(update(4, from: 777, data: data))
        XCTAssertEqual(ack.status, 200)
        let again = try await webhook(update(4, from: 777, data: data))
        XCTAssertEqual(try json(again)["duplicate"], .bool(true))
        let acked = try await state()
        XCTAssertEqual(acked, "acknowledged")
        XCTAssertEqual(telegram.calls.filter { $0.method == "answerCallbackQuery" }.count, 3, "a repeated update_id acts once")
        try await eventually(timeout: .seconds(10), "the message says who acknowledged it") {
            telegram.edits().contains { $0.text.contains("Acknowledged by ann@example.com") }
        }
        let silence = try await webhook(update(5, from: 777, data: "sil:\(groupID):3600"))
        XCTAssertEqual(silence.status, 200)
        let silences = try json(try await send(hub, .get, "/api/v1/silences", as: root))["silences"]?.arrayValue ?? []
        XCTAssertEqual(silences.count, 1)
        XCTAssertEqual(silences.first?["created_by"]?.stringValue, "ann@example.com")
    }
}
