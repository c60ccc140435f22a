import ClientHTTP
import ClientPostgres
import Foundation
import LogModel
import TestSupport
import XCTest

/// The security audit as admins read it over HTTP: every event kind the issue names is recorded
/// with actor, address and user agent; filters and paging work; nothing can change a row.
final class SecurityAuditHTTPTests: StaffTestCase {
    func testSecurityEventsAreRecordedAndTheAuditCannotBeChanged() async throws {
        let hub = try await startStaffHub()
        try createUser("auditor@staff.test", roles: ["admin"])
        let (failed, _) = try await login(hub, "auditor@staff.test", password: "not-the-password")
        XCTAssertEqual(failed.status, 401)
        let admin = try await signIn(hub, "auditor@staff.test")
        for attempt in 1...6 {
            _ = try await login(hub, "victim@staff.test", password: "guess-\(attempt)")
        }

        let created = try await send(hub, .post, "/api/v1/users", as: admin,
                                     json: #"{"email":"New.Person@staff.test","display_name":"New Person","roles":["support"]}"#)
        XCTAssertEqual(created.status, 201, created.bodyText)
        let newUser = try json(created)["user"]
        let id = try XCTUnwrap(newUser?["id"]?.intValue)
        XCTAssertEqual(newUser?["email"], "new.person@staff.test")
        let link = try XCTUnwrap(try json(created)["set_password_url"]?.stringValue, "no password given: a set-password link comes back")
        XCTAssertTrue(link.hasPrefix(hub.baseURL + "/set-password?token="), link)

        let roles = try await send(hub, .put, "/api/v1/users/\(id)/roles", as: admin, json: #"{"roles":["support","oncall"]}"#)
        XCTAssertEqual(roles.status, 200, roles.bodyText)
        XCTAssertEqual(try json(roles)["user"]?["roles"], ["support", "oncall"])
        let disabled = try await send(hub, .post, "/api/v1/users/\(id)/disable", as: admin)
        XCTAssertEqual(disabled.status, 200, disabled.bodyText)
        let enabled = try await send(hub, .post, "/api/v1/users/\(id)/enable", as: admin)
        XCTAssertEqual(enabled.status, 200, enabled.bodyText)

        let personal = try await send(hub, .post, "/api/v1/me/tokens", as: admin, json: #"{"name":"laptop","scopes":["audit.read"]}"#)
        XCTAssertEqual(personal.status, 201, personal.bodyText)
        let auditToken = try XCTUnwrap(try json(personal)["secret"]?.stringValue)
        let personalID = try XCTUnwrap(try json(personal)["token"]?["id"]?.intValue)

        let ingest = try await send(hub, .post, "/api/v1/ingest-tokens", as: admin, json: #"{"service":"billing","description":"for the test"}"#)
        XCTAssertEqual(ingest.status, 201, ingest.bodyText)
        let ingestSecret = try XCTUnwrap(try json(ingest)["secret"]?.stringValue)
        let ingestID = try XCTUnwrap(try json(ingest)["token"]?["id"]?.intValue)
        let shipped = try await post(hub, body: ndjson(1, idPrefix: "audit"), token: ingestSecret)
        XCTAssertEqual(shipped.status, 202, "the new ingest token ships logs")
        let revoked = try await send(hub, .delete, "/api/v1/ingest-tokens/\(ingestID)", as: admin)
        XCTAssertEqual(revoked.status, 200, revoked.bodyText)

        let entries = try await auditEntries(hub, token: auditToken)
        let revokedPersonal = try await send(hub, .delete, "/api/v1/me/tokens/\(personalID)", as: admin)
        XCTAssertEqual(revokedPersonal.status, 200)
        let out = try await send(hub, .post, "/api/v1/auth/logout", as: admin)
        XCTAssertEqual(out.status, 200)

        let actions = Set(entries.compactMap { $0["action"]?.stringValue })
        for action in ["user_created", "login_failed", "login_ok", "login_throttled", "roles_changed", "user_disabled", "user_enabled",
                       "password_reset_link_created", "personal_token_created", "ingest_token_created", "ingest_token_revoked"] {
            XCTAssertTrue(actions.contains(action), "no '\(action)' row in \(actions.sorted())")
        }
        let roleChange = try XCTUnwrap(entries.first { $0["action"] == "roles_changed" })
        XCTAssertEqual(roleChange["actor"], "auditor@staff.test")
        XCTAssertEqual(roleChange["target"], "new.person@staff.test")
        XCTAssertEqual(roleChange["client_ip"], "127.0.0.1")
        XCTAssertEqual(roleChange["details"]?["to"], "support,oncall")
        XCTAssertFalse((roleChange["user_agent"]?.stringValue ?? "").isEmpty)
        XCTAssertEqual(entries.first { $0["action"] == "user_created" && $0["target"] == "auditor@staff.test" }?["actor"], "cli")

        // Filters and paging (an admin's full-scope token: the narrow one was revoked above).
        let reader = try personalToken("auditor@staff.test", scopes: ["audit.read"])
        let afterLogout = try await auditEntries(hub, token: reader, query: "action=logout,personal_token_revoked")
        XCTAssertEqual(Set(afterLogout.compactMap { $0["action"]?.stringValue }), ["logout", "personal_token_revoked"])
        let failures = try await auditEntries(hub, token: reader, query: "action=login_failed&actor=anonymous")
        XCTAssertEqual(failures.count, 6, "one failure for the auditor, five for the victim before the throttle")
        let firstPage = try await send(hub, .get, "/api/v1/audit/security?limit=2", as: StaffClient(bearer: reader))
        let before = try XCTUnwrap(try json(firstPage)["next_before"]?.intValue)
        let secondPage = try await auditEntries(hub, token: reader, query: "limit=2&before=\(before)")
        XCTAssertEqual(secondPage.count, 2)
        XCTAssertTrue(secondPage.allSatisfy { ($0["id"]?.intValue ?? .max) < before })
        let badAction = try await send(hub, .get, "/api/v1/audit/security?action=drop_table", as: StaffClient(bearer: reader))
        XCTAssertEqual(badAction.status, 400)

        // No route changes or deletes an audit row ...
        let full = try personalToken("auditor@staff.test")
        let firstID = try XCTUnwrap(entries.last?["id"]?.intValue)
        for (method, path) in [(HTTPMethod.put, "/api/v1/audit/security"), (.delete, "/api/v1/audit/security"), (.patch, "/api/v1/audit/security"),
                               (.put, "/api/v1/audit/security/\(firstID)"), (.delete, "/api/v1/audit/security/\(firstID)")] {
            let response = try await send(hub, method, path, as: StaffClient(bearer: full), json: #"{"actor":"nobody"}"#)
            XCTAssertTrue([404, 405].contains(response.status), "\(method) \(path) -> \(response.status)")
        }
        // ... and the table refuses it even to a client that goes around the hub.
        let database = try PostgresClient(url: databaseURL, poolSize: 1)
        do {
            _ = try await database.query("UPDATE security_audit SET actor = 'nobody' WHERE id = $1", [String(firstID)])
            XCTFail("UPDATE of an audit row succeeded")
        } catch {}
        do {
            _ = try await database.query("DELETE FROM security_audit", [])
            XCTFail("DELETE of audit rows succeeded")
        } catch {}
        let still = try await auditEntries(hub, token: full, query: "limit=1000")
        XCTAssertEqual(still.last?["actor"], "cli", "the oldest row is unchanged")
    }

    func testIngestTokenCommandsLeaveAuditRows() async throws {
        let hub = try await startStaffHub()
        try createUser("ops@staff.test", roles: ["admin"])
        let secret = try createToken(service: "shop")
        let listed = try cli(["token", "list"])
        let id = try XCTUnwrap(listed.split(separator: "\n").dropFirst().first?.split(separator: "\t").first.map(String.init))
        try cli(["token", "revoke", id])
        XCTAssertTrue(secret.hasPrefix("dmp_"))
        let token = try personalToken("ops@staff.test", scopes: ["audit.read"])
        let rows = try await auditEntries(hub, token: token, query: "action=ingest_token_created,ingest_token_revoked&actor=cli")
        XCTAssertEqual(Set(rows.compactMap { $0["action"]?.stringValue }), ["ingest_token_created", "ingest_token_revoked"])
        XCTAssertEqual(rows.first?["details"]?["service"], "shop")
    }
}
