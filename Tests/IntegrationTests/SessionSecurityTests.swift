import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// Sessions as a browser sees them: fixation, cookie flags, CSRF and Origin checks, logout,
/// timeouts, security headers.
final class SessionSecurityTests: StaffTestCase {
    func testLoginIssuesANewCookieAndEndsTheSessionTheBrowserCameWith() async throws {
        let hub = try await startStaffHub()
        try createUser("fixation@staff.test", roles: ["support"])
        let first = try await signIn(hub, "fixation@staff.test")

        let planted = "dmp_session=attackerChoseThisValue0000000000000000000000"
        let (_, fromPlanted) = try await login(hub, "fixation@staff.test", cookie: planted)
        XCTAssertNotEqual(fromPlanted?.cookie, planted, "a session id chosen before the login must never be the one after it")

        let (_, second) = try await login(hub, "fixation@staff.test", cookie: first.cookie)
        let renewed = try XCTUnwrap(second)
        XCTAssertNotEqual(renewed.cookie, first.cookie, "the cookie changes at login")
        XCTAssertNotEqual(renewed.csrf, first.csrf)
        let old = try await send(hub, .get, "/api/v1/auth/me", as: first)
        XCTAssertEqual(old.status, 401, "the session the browser came with ends at the new login")
        let current = try await send(hub, .get, "/api/v1/auth/me", as: renewed)
        XCTAssertEqual(current.status, 200)
        XCTAssertEqual(try json(current)["user"]?["email"], "fixation@staff.test")
    }

    func testSessionCookieFlagsFollowThePublicURL() async throws {
        try createUser("cookie@staff.test", roles: ["support"])
        let plain = try await startStaffHub()
        let (response, _) = try await login(plain, "cookie@staff.test")
        let cookie = try XCTUnwrap(response.headers.values(for: "Set-Cookie").first)
        let attributes = Set(cookie.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        XCTAssertTrue(cookie.hasPrefix("dmp_session="), cookie)
        XCTAssertTrue(attributes.contains("httponly"), cookie)
        XCTAssertTrue(attributes.contains("samesite=lax"), cookie)
        XCTAssertTrue(attributes.contains("path=/"), cookie)
        XCTAssertFalse(attributes.contains("secure"), "no Secure on a plain-http hub (the browser would drop the cookie): \(cookie)")
        XCTAssertFalse(try json(response)["csrf_token"]?.stringValue?.isEmpty ?? true, "the login answer carries the CSRF token")

        let secure = try await startStaffHub(extra: ["ADMIN_PUBLIC_URL": "https://admin.datamp.test", "ADMIN_DATA_DIR": directory.path + "/data-https"])
        let (secureResponse, _) = try await login(secure, "cookie@staff.test")
        let secureCookie = try XCTUnwrap(secureResponse.headers.values(for: "Set-Cookie").first)
        let secureAttributes = Set(secureCookie.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        XCTAssertTrue(secureAttributes.contains("secure"), secureCookie)
        XCTAssertTrue(secureAttributes.contains("httponly"), secureCookie)
        XCTAssertTrue(secureCookie.hasPrefix("__Host-dmp_session="), "an https hub uses the __Host- prefix: \(secureCookie)")
    }

    func testCrossSiteAndTokenlessStateChangesAreRefused() async throws {
        let hub = try await startStaffHub()
        try createUser("csrf@staff.test", roles: ["admin"])
        let admin = try await signIn(hub, "csrf@staff.test")
        let csrf = try XCTUnwrap(admin.csrf)
        let form = "email=someone%40staff.test&csrf_token=\(csrf)"

        let crossSite = try await send(hub, .post, "/api/v1/users/unlock", as: admin, form: form, csrf: false,
                                       headers: [("Origin", "https://evil.example")])
        XCTAssertEqual(crossSite.status, 403, "a cross-site form post is refused even with the right token: \(crossSite.bodyText)")
        let crossReferer = try await send(hub, .post, "/api/v1/users/unlock", as: admin, json: #"{"email":"someone@staff.test"}"#,
                                          headers: [("Referer", "https://evil.example/page")])
        XCTAssertEqual(crossReferer.status, 403, "a foreign Referer (no Origin) is refused too")
        let missing = try await send(hub, .post, "/api/v1/users/unlock", as: admin, json: #"{"email":"someone@staff.test"}"#, csrf: false)
        XCTAssertEqual(missing.status, 403, "a cookie without the CSRF token cannot change anything")
        XCTAssertEqual(try json(missing)["error"], "csrf_token_invalid")
        let wrong = try await send(hub, .post, "/api/v1/users/unlock", as: StaffClient(cookie: admin.cookie, csrf: String(csrf.reversed())),
                                   json: #"{"email":"someone@staff.test"}"#)
        XCTAssertEqual(wrong.status, 403)

        let token = try personalToken("csrf@staff.test", scopes: ["audit.read"])
        let refusedEarlier = try await auditEntries(hub, token: token, query: "action=lockout_lifted")
        XCTAssertEqual(refusedEarlier.count, 0, "no refused request was carried out")

        let sameSite = try await send(hub, .post, "/api/v1/users/unlock", as: admin, form: form, csrf: false,
                                      headers: [("Origin", hub.baseURL)])
        XCTAssertEqual(sameSite.status, 303, "the Users page's own form works: \(sameSite.bodyText)")
        let header = try await send(hub, .post, "/api/v1/users/unlock", as: admin, json: #"{"email":"someone@staff.test"}"#)
        XCTAssertEqual(header.status, 200, header.bodyText)
        let done = try await auditEntries(hub, token: token, query: "action=lockout_lifted")
        XCTAssertEqual(done.count, 2)
    }

    func testLogoutEndsTheSessionOnTheServer() async throws {
        let hub = try await startStaffHub()
        try createUser("logout@staff.test", roles: ["oncall"])
        let client = try await signIn(hub, "logout@staff.test")
        let out = try await send(hub, .post, "/api/v1/auth/logout", as: client)
        XCTAssertEqual(out.status, 200)
        XCTAssertTrue(out.headers.values(for: "Set-Cookie").contains { $0.contains("Max-Age=0") }, "the browser is told to drop the cookie")
        // A client that kept the cookie anyway gets nowhere: the session is gone server-side.
        let replayed = try await send(hub, .get, "/api/v1/auth/me", as: client)
        XCTAssertEqual(replayed.status, 401)
        let page = try await send(hub, .get, "/", as: client)
        XCTAssertEqual(page.status, 303)
        XCTAssertEqual(page.headers["Location"], "/login?next=/")
    }

    func testAnIdleSessionExpires() async throws {
        let hub = try await startStaffHub(extra: ["ADMIN_AUTH_SESSION_IDLE_TIMEOUT_SECONDS": "2"])
        try createUser("idle@staff.test", roles: ["support"])
        let client = try await signIn(hub, "idle@staff.test")
        let fresh = try await send(hub, .get, "/api/v1/auth/me", as: client)
        XCTAssertEqual(fresh.status, 200)
        try await Task.sleep(for: .milliseconds(3200))
        let expired = try await send(hub, .get, "/api/v1/auth/me", as: client)
        XCTAssertEqual(expired.status, 401, "a session unused for longer than the idle timeout has ended")
    }

    func testDisablingAUserOrRemovingARoleTakesEffectAtOnce() async throws {
        let hub = try await startStaffHub()
        try createUser("boss@staff.test", roles: ["admin"])
        try createUser("two-roles@staff.test", roles: ["oncall", "admin"])
        let client = try await signIn(hub, "two-roles@staff.test")
        let before = try await send(hub, .get, "/api/v1/users", as: client)
        XCTAssertEqual(before.status, 200)
        try cli(["user", "set-roles", "--email", "two-roles@staff.test", "--role", "oncall"])
        let after = try await send(hub, .get, "/api/v1/users", as: client)
        XCTAssertEqual(after.status, 403, "the removed role no longer counts, in the same session")
        try cli(["user", "disable", "--email", "two-roles@staff.test"])
        let disabled = try await send(hub, .get, "/api/v1/auth/me", as: client)
        XCTAssertEqual(disabled.status, 401)
    }

    func testPagesCarrySecurityHeadersAndNoInlineScript() async throws {
        let hub = try await startStaffHub()
        try createUser("pages@staff.test", roles: ["admin"])
        let admin = try await signIn(hub, "pages@staff.test")
        for path in ["/login", "/", "/users", "/ingest-tokens"] {
            let page = try await send(hub, .get, path, as: path == "/login" ? .anonymous : admin)
            XCTAssertEqual(page.status, 200, path)
            XCTAssertTrue(page.headers["Content-Type"]?.hasPrefix("text/html") ?? false, path)
            let csp = page.headers["Content-Security-Policy"] ?? ""
            XCTAssertTrue(csp.contains("default-src 'self'"), csp)
            XCTAssertTrue(csp.contains("frame-ancestors 'none'"), csp)
            XCTAssertFalse(csp.contains("unsafe-inline"), csp)
            XCTAssertEqual(page.headers["X-Content-Type-Options"], "nosniff")
            XCTAssertEqual(page.headers["X-Frame-Options"], "DENY")
            XCTAssertEqual(page.headers["Referrer-Policy"], "same-origin")
            let html = page.bodyText
            XCTAssertFalse(html.contains("<script>"), "no inline script on \(path)")
            XCTAssertFalse(html.contains("style=\""), "no inline style on \(path)")
            // Every state-changing form of a signed-in page carries the CSRF field.
            let forms = html.components(separatedBy: "<form method=\"post\"").count - 1
            let csrfFields = html.components(separatedBy: "name=\"csrf_token\"").count - 1
            if path != "/login" {
                XCTAssertGreaterThan(forms, 0, path)
                XCTAssertEqual(forms, csrfFields, "a form on \(path) lacks the CSRF field")
            }
        }
    }
}

extension SessionSecurityTests {
    func testTheLoginFormSignsInAndRedirectsOnlyWithinTheHub() async throws {
        let hub = try await startStaffHub()
        try createUser("form@staff.test", roles: ["admin"])
        let origin = [("Origin", hub.baseURL)]
        let form = "email=form%40staff.test&password=\(Self.password)&next=%2Fusers"
        let signedIn = try await send(hub, .post, "/api/v1/auth/login", as: .anonymous, form: form, headers: origin)
        XCTAssertEqual(signedIn.status, 303, signedIn.bodyText)
        XCTAssertEqual(signedIn.headers["Location"], "/users")
        let cookie = try XCTUnwrap(Self.cookiePair(signedIn))
        let users = try await send(hub, .get, "/users", as: StaffClient(cookie: cookie))
        XCTAssertEqual(users.status, 200)

        let offsite = try await send(hub, .post, "/api/v1/auth/login", as: .anonymous,
                                     form: "email=form%40staff.test&password=\(Self.password)&next=%2F%2Fevil.example%2F", headers: origin)
        XCTAssertEqual(offsite.headers["Location"], "/", "never a redirect to another site")
        let wrong = try await send(hub, .post, "/api/v1/auth/login", as: .anonymous, form: "email=form%40staff.test&password=nope-nope-nope",
                                   headers: origin)
        XCTAssertEqual(wrong.status, 401)
        XCTAssertTrue(wrong.bodyText.contains("<form"), "the login page again, with the error")
        let foreign = try await send(hub, .post, "/api/v1/auth/login", as: .anonymous, form: form, headers: [("Origin", "https://evil.example")])
        XCTAssertEqual(foreign.status, 403, "a foreign page cannot sign a browser in (login CSRF)")
    }
}

extension SessionSecurityTests {
    /// The header shows the pages the modules declared, each only to those holding its permission.
    func testNavigationShowsOnlyThePagesThePersonMayOpen() async throws {
        let hub = try await startStaffHub()
        try createUser("nav-admin@staff.test", roles: ["admin"])
        try createUser("nav-support@staff.test", roles: ["support"])
        let admin = try await send(hub, .get, "/", as: try await signIn(hub, "nav-admin@staff.test")).bodyText
        let support = try await send(hub, .get, "/", as: try await signIn(hub, "nav-support@staff.test")).bodyText
        for link in [#"<a href="/users">Users</a>"#, #"<a href="/ingest-tokens">Ingest tokens</a>"#] {
            XCTAssertTrue(admin.contains(link), "an admin sees \(link)")
            XCTAssertFalse(support.contains(link), "support staff do not see \(link)")
        }
        XCTAssertTrue(support.contains(#"<a href="/">Home</a>"#))
    }
}
