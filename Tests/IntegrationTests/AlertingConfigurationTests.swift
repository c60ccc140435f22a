import AdminServer
import ClientHTTP
import LogModel
import Foundation
import TestSupport
import XCTest

/// The `alerting:` section is validated at start-up with every problem named by its path.
final class AlertingConfigurationTests: XCTestCase {
    func load(_ yaml: String, environment: [String: String] = [:]) throws -> HubConfiguration {
        let directory = try TemporaryDirectory(prefix: "alerting-config")
        defer { directory.remove() }
        let path = directory.path + "/admin.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try HubConfiguration.load(file: path, environment: environment)
    }

    func testProblemsAreReportedWithTheirPaths() throws {
        let yaml = """
            alerting:
              receivers:
                - name: oncall
                  type: telegram
                  bot_token: "123:abc"
                  chat_id: -1001
                - name: errors
                  type: sentry
                  dsn: "not a dsn"
              route:
                receiver: oncall
                routes:
                  - matchers: ["level>=error"]
                  - matchers: ["colour=red"]
                  - group_wait: 5 minutes
                    receiver: nobody
                  - group_by: [fingerprint, shoe_size]
                    continue: maybe
                  - query: "service:billing AND status:"
                  - query: "service:billing AND status:>499"
              colour: blue
            """
        XCTAssertThrowsError(try load(yaml)) { error in
            let text = "\(error)"
            for expected in [
                "alerting.receivers[1].dsn: required, a DSN",
                "alerting.route.routes[1].matchers[0]: unknown field 'colour'",
                "alerting.route.routes[2].group_wait: \"5 minutes\" is not a duration",
                "alerting.route.routes[2].receiver: 'nobody' is not a receiver",
                "alerting.route.routes[3].group_by[1]: 'shoe_size' is not a field",
                "alerting.route.routes[3].continue: must be true or false",
                "alerting.colour: unknown key",
                "alerting.route.routes[4].query: position 28: expected a value after 'status:'",
            ] {
                XCTAssertTrue(text.contains(expected), "missing '\(expected)' in:\n\(text)")
            }
        }
    }

    func testAValidTreeLoadsWithInheritanceAndVariablesAloneWork() throws {
        let yaml = """
            alerting:
              receivers:
                - name: oncall
                  type: telegram
                  bot_token: "123:abc"
                  chat_id: -1001
                  topic_id: 12
              route:
                receiver: oncall
                group_interval: 30s
                routes:
                  - matchers: ["service=billing", "level>=critical"]
                    group_wait: 0s
            """
        let configuration = try load(yaml)
        let entries = configuration.describe()
        XCTAssertFalse(entries.contains("123:abc"), "the token is secret in check-config")
        let byVariables = try HubConfiguration.load(file: nil, environment: [
            "ADMIN_SENTRY_DSN": "https://key@sentry.example/7", "ADMIN_TELEGRAM_BOT_TOKEN": "1:x", "ADMIN_TELEGRAM_CHAT_ID": "-5",
        ])
        XCTAssertTrue(byVariables.describe().contains("alerting.defaults.group_wait = 10s"))
        XCTAssertThrowsError(try HubConfiguration.load(file: nil, environment: ["ADMIN_TELEGRAM_BOT_TOKEN": "1:x"])) { error in
            XCTAssertTrue("\(error)".contains("must be set together"))
        }
        XCTAssertThrowsError(try HubConfiguration.load(file: nil, environment: ["ADMIN_ALERTING_GROUP_WAIT": "soon"])) { error in
            XCTAssertTrue("\(error)".contains("alerting.defaults.group_wait (ADMIN_ALERTING_GROUP_WAIT): \"soon\" is not a duration"))
        }
    }
}

/// Reloading the alerting configuration of a running hub: the API and SIGHUP; a bad file keeps the running one.
final class AlertingReloadTests: StaffTestCase {
    func config(groupWait: String) -> String {
        """
        alerting:
          receivers:
            - name: oncall
              type: telegram
              bot_token: "123:abc"
              chat_id: -1001
          route:
            receiver: oncall
            group_wait: \(groupWait)
        """
    }

    func testReloadByAPIAndSIGHUPAndABadFileChangesNothing() async throws {
        let path = directory.path + "/admin.yaml"
        try config(groupWait: "10s").write(toFile: path, atomically: true, encoding: .utf8)
        let hub = try await startStaffHub(extra: ["ADMIN_CONFIG": path, "ADMIN_TELEGRAM_API_URL": "http://127.0.0.1:1"])
        try createUser("ann@example.com", roles: ["oncall"])
        let ann = StaffClient(bearer: try personalToken("ann@example.com"))
        func groupWait() async throws -> String? {
            try json(try await send(hub, .get, "/api/v1/alerting/config", as: ann))["route"]?["group_wait"]?.stringValue
        }
        let initial = try await groupWait()
        XCTAssertEqual(initial, "10s")

        try config(groupWait: "0s").write(toFile: path, atomically: true, encoding: .utf8)
        let reloaded = try await send(hub, .post, "/api/v1/alerting/reload", as: ann)
        XCTAssertEqual(reloaded.status, 200, reloaded.bodyText)
        let afterAPI = try await groupWait()
        XCTAssertEqual(afterAPI, "0s")

        try config(groupWait: "5 minutes").write(toFile: path, atomically: true, encoding: .utf8)
        let refused = try await send(hub, .post, "/api/v1/alerting/reload", as: ann)
        XCTAssertEqual(refused.status, 400)
        XCTAssertTrue(refused.bodyText.contains("alerting.route.group_wait: \\\"5 minutes\\\" is not a duration"), refused.bodyText)
        let kept = try await groupWait()
        XCTAssertEqual(kept, "0s", "a bad reload keeps the running configuration")

        try config(groupWait: "30s").write(toFile: path, atomically: true, encoding: .utf8)
        kill(try XCTUnwrap(hub.pid), SIGHUP)
        try await eventually(timeout: .seconds(10), "SIGHUP reloads") { try await groupWait() == "30s" }
        XCTAssertTrue(hub.isRunning)
    }
}
