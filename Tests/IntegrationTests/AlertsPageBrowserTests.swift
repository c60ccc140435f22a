import ClientHTTP
import Foundation
import TestSupport
import XCTest

/// The /alerts page in headless Chromium, driven by scripts/browser/alerts_page.py: an on-call
/// engineer sees a firing group, acknowledges it, silences its service and expires the silence.
/// Screenshots are kept in var/artifacts/alerts-page/.
final class AlertsPageBrowserTests: StaffTestCase {
    func testAcknowledgeAndSilenceInChromium() async throws {
        let python = try BrowserTest.python()
        let telegram = try await FakeTelegram.start()
        let hub = try await startStaffHub(extra: [
            "ADMIN_TELEGRAM_BOT_TOKEN": "123:secret-token", "ADMIN_TELEGRAM_CHAT_ID": "-1001",
            "ADMIN_TELEGRAM_API_URL": telegram.server.baseURL, "ADMIN_ALERTING_DISPATCH_INTERVAL_MS": "100",
        ])
        try createUser("oncall@alerts.test", roles: ["oncall"])
        let token = try createToken(service: "billing")
        let posted = try await post(hub, body: Array(#"{"level":"critical","message":"database <down> & out","event.id":"page-1"}"#.utf8), token: token)
        XCTAssertEqual(posted.status, 202)
        try await eventually(timeout: .seconds(15), "the alert is sent") { telegram.sends().count == 1 }

        let artifacts = packageRoot() + "/var/artifacts/alerts-page"
        try? FileManager.default.removeItem(atPath: artifacts)
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let output = try BrowserTest.run(python, [packageRoot() + "/scripts/browser/alerts_page.py", hub.baseURL, "oncall@alerts.test",
                                                  Self.password, artifacts])
        XCTAssertEqual(output.status, 0, output.text + "\nhub log:\n" + hub.tailOfLog())
        try await eventually(timeout: .seconds(10), "the Telegram message says who acknowledged it") {
            telegram.edits().contains { $0.text.contains("Acknowledged by") }
        }
        for shot in ["1-firing", "2-acknowledged", "3-silenced", "4-expired"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(artifacts)/\(shot).png"), shot)
        }
        await telegram.server.stop()
    }
}
