import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// Login throttling and the indistinguishable failure, over HTTP.
final class LoginThrottlingTests: StaffTestCase {
    func testRepeatedFailuresAreRefusedWithRetryAfterAndASuccessResets() async throws {
        let hub = try await startStaffHub()
        try createUser("throttle@staff.test", roles: ["support"])
        // The default policy lets five mistakes through, then delays grow from 1 s.
        for attempt in 1...5 {
            let (response, _) = try await login(hub, "throttle@staff.test", password: "wrong-password-\(attempt)")
            XCTAssertEqual(response.status, 401, "attempt \(attempt)")
        }
        let (refused, _) = try await login(hub, "throttle@staff.test")
        XCTAssertEqual(refused.status, 429, "the 6th attempt is refused before the password is checked, even a right one")
        let retryAfter = try XCTUnwrap(refused.headers["Retry-After"].flatMap { Int($0) })
        XCTAssertGreaterThanOrEqual(retryAfter, 1)
        XCTAssertEqual(try json(refused)["error"], "too_many_attempts")

        try await Task.sleep(for: .seconds(Double(retryAfter) + 0.3))
        let (allowed, _) = try await login(hub, "throttle@staff.test")
        XCTAssertEqual(allowed.status, 200, "after the delay the right password works: \(allowed.bodyText)")
        let (afterReset, _) = try await login(hub, "throttle@staff.test", password: "wrong-again-1")
        XCTAssertEqual(afterReset.status, 401, "a success resets the count: the next mistake is not throttled")
    }

    func testUnknownEmailAndWrongPasswordLookAndTakeTheSame() async throws {
        let hub = try await startStaffHub()
        try createUser("timing-a@staff.test", roles: ["support"])
        try createUser("timing-b@staff.test", roles: ["support"])
        var unknown: [Double] = []
        var wrong: [Double] = []
        var bodies = Set<String>()
        for round in 0..<6 {
            let clock = ContinuousClock()
            var start = clock.now
            let (a, _) = try await login(hub, "nobody-\(round)@staff.test", password: "wrong-password-x")
            unknown.append((clock.now - start) / .milliseconds(1))
            start = clock.now
            let (b, _) = try await login(hub, round % 2 == 0 ? "timing-a@staff.test" : "timing-b@staff.test", password: "wrong-password-x")
            wrong.append((clock.now - start) / .milliseconds(1))
            XCTAssertEqual(a.status, 401)
            XCTAssertEqual(b.status, 401)
            bodies.insert(a.bodyText)
            bodies.insert(b.bodyText)
        }
        XCTAssertEqual(bodies.count, 1, "the same answer for an unknown e-mail and a wrong password: \(bodies)")
        let ratio = median(unknown) / median(wrong)
        XCTAssertTrue((0.5...2.0).contains(ratio),
                      "unknown e-mail \(median(unknown)) ms vs wrong password \(median(wrong)) ms: both run one bcrypt check")
    }

    func testALockedAccountStaysLockedUntilAnAdminUnlocksIt() async throws {
        let hub = try await startStaffHub(extra: ["ADMIN_AUTH_THROTTLE_FREE_ACCOUNT_FAILURES": "10", "ADMIN_AUTH_THROTTLE_LOCKOUT_AFTER": "3"])
        try createUser("locked@staff.test", roles: ["support"])
        try createUser("unlocker@staff.test", roles: ["admin"])
        let admin = try await signIn(hub, "unlocker@staff.test")
        for attempt in 1...3 {
            let (response, _) = try await login(hub, "locked@staff.test", password: "wrong-password-\(attempt)")
            XCTAssertEqual(response.status, 401)
        }
        let (locked, _) = try await login(hub, "locked@staff.test")
        XCTAssertEqual(locked.status, 429, "locked: even the right password is refused")
        XCTAssertEqual(try json(locked)["error"], "account_locked")
        let users = try await send(hub, .get, "/users", as: admin)
        XCTAssertTrue(users.bodyText.contains("locked@staff.test</li>") || users.bodyText.contains("locked@staff.test <form"),
                      "the Users page lists the locked account with an Unlock button")

        let unlock = try await send(hub, .post, "/api/v1/users/unlock", as: admin, json: #"{"email":"Locked@staff.test"}"#)
        XCTAssertEqual(unlock.status, 200, unlock.bodyText)
        XCTAssertEqual(try json(unlock)["was_locked"], true)
        let (allowed, _) = try await login(hub, "locked@staff.test")
        XCTAssertEqual(allowed.status, 200, "an admin lifted the lock-out")

        let token = try personalToken("unlocker@staff.test", scopes: ["audit.read"])
        let rows = try await auditEntries(hub, token: token, query: "action=account_locked,lockout_lifted")
        XCTAssertEqual(Set(rows.compactMap { $0["action"]?.stringValue }), ["account_locked", "lockout_lifted"])
        XCTAssertEqual(rows.first { $0["action"] == "lockout_lifted" }?["actor"], "unlocker@staff.test")
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return (sorted[sorted.count / 2] + sorted[(sorted.count - 1) / 2]) / 2
    }
}
