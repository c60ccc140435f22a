import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// `admin user ...` against the real database, and what it makes working over HTTP.
final class StaffCLITests: StaffTestCase {
    func testUserCreatedWithoutAPasswordGetsAOneTimeSetPasswordLinkThatWorks() async throws {
        let hub = try await startStaffHub()
        let output = try cli(["user", "create", "--email", "linked@staff.test", "--role", "manager", "--name", "Linked"],
                             environment: ["ADMIN_PUBLIC_URL": hub.baseURL])
        let link = try XCTUnwrap(output.split(separator: "\n").last.map(String.init))
        XCTAssertTrue(link.hasPrefix(hub.baseURL + "/set-password?token="), output)
        let (cannot, _) = try await login(hub, "linked@staff.test")
        XCTAssertEqual(cannot.status, 401, "no password yet")

        let page = try await Self.http.execute(HTTPRequest(method: .get, url: link))
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.bodyText.contains("linked@staff.test"))
        let token = String(link.split(separator: "=", maxSplits: 1)[1])
        let weak = try await send(hub, .post, "/set-password", as: .anonymous, form: "token=\(token)&password=password123&password_confirm=password123")
        XCTAssertEqual(weak.status, 400, "the password policy applies")
        let set = try await send(hub, .post, "/set-password", as: .anonymous,
                                 form: "token=\(token)&password=\(Self.password)&password_confirm=\(Self.password)")
        XCTAssertEqual(set.status, 200, set.bodyText)
        let again = try await send(hub, .post, "/set-password", as: .anonymous,
                                   form: "token=\(token)&password=another-long-pass-77&password_confirm=another-long-pass-77")
        XCTAssertEqual(again.status, 400, "a link works once")
        let (signedIn, _) = try await login(hub, "linked@staff.test")
        XCTAssertEqual(signedIn.status, 200)
        XCTAssertEqual(try json(signedIn)["user"]?["roles"], ["manager"])
    }

    func testUserCommandsListChangeAndProtectTheLastAdmin() async throws {
        try createUser("root@staff.test", roles: ["admin"])
        try createUser("helper@staff.test", roles: ["support", "oncall"])
        let listed = try cli(["user", "list"])
        XCTAssertTrue(listed.contains("helper@staff.test\tsupport,oncall\tactive"), listed)
        XCTAssertThrowsError(try cli(["user", "disable", "--email", "root@staff.test"]), "the last admin cannot be disabled")
        XCTAssertThrowsError(try cli(["user", "create", "--email", "HELPER@staff.test", "--role", "support"]), "e-mails are unique regardless of case")
        XCTAssertThrowsError(try createUser("weak@staff.test", roles: ["support"], password: "password"), "the password policy applies")
        try cli(["user", "set-roles", "--email", "helper@staff.test", "--role", "senior_manager"])
        try cli(["user", "disable", "--email", "helper@staff.test"])
        let after = try cli(["user", "list"])
        XCTAssertTrue(after.contains("helper@staff.test\tsenior_manager\tdisabled"), after)
    }

    func testPersonalTokensFromTheCLIWorkWithinTheirScopes() async throws {
        let hub = try await startStaffHub()
        try createUser("api@staff.test", roles: ["admin"])
        let narrow = try personalToken("api@staff.test", scopes: ["logs.read"])
        let full = try personalToken("api@staff.test")
        let me = try await send(hub, .get, "/api/v1/auth/me", as: StaffClient(bearer: narrow))
        XCTAssertEqual(me.status, 200)
        XCTAssertEqual(try json(me)["permissions"], ["logs.read"])
        let narrowUsers = try await send(hub, .get, "/api/v1/users", as: StaffClient(bearer: narrow))
        XCTAssertEqual(narrowUsers.status, 403, "a token allows only its scopes")
        let fullUsers = try await send(hub, .get, "/api/v1/users", as: StaffClient(bearer: full))
        XCTAssertEqual(fullUsers.status, 200)
        let widen = try await send(hub, .post, "/api/v1/me/tokens", as: StaffClient(bearer: narrow), json: #"{"scopes":["users.manage"]}"#)
        XCTAssertEqual(widen.status, 403, "a narrow token cannot mint a wider one")
        XCTAssertThrowsError(try cli(["user", "token", "create", "--email", "api@staff.test", "--expires", "soon"]))
        try createUser("reader@staff.test", roles: ["support"])
        XCTAssertThrowsError(try personalToken("reader@staff.test", scopes: ["users.manage"]), "scopes stay within the owner's roles")
        let expiring = try cli(["user", "token", "create", "--email", "reader@staff.test", "--expires", "30d"])
        XCTAssertTrue(expiring.contains("expires"), expiring)
    }
}
