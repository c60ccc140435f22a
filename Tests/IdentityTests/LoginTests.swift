import ClientPostgres
@testable import Identity
import XCTest

final class LoginTests: IdentityDatabaseTestCase {
    func testCorrectPasswordStartsASessionThatResolvesToTheUser() async throws {
        let user = try await makeUser([.oncall])
        let success = try await signIn(" \(user.email.uppercased()) ")
        XCTAssertEqual(success.user.id, user.id)
        let principal = try await services.authenticator.resolveSession(secret: success.sessionSecret)
        XCTAssertEqual(principal?.user.id, user.id)
        XCTAssertEqual(principal?.permissions, [.logsRead, .alertsManage, .silencesManage])
        XCTAssertEqual(principal?.csrfToken, success.csrfToken)
    }

    func testOnlyTheSecretsDigestIsStored() async throws {
        let user = try await makeUser([.support])
        let success = try await signIn(user.email)
        let stored = try await database.query("SELECT secret_digest FROM staff_sessions WHERE user_id = $1", [String(user.id)])
        XCTAssertEqual(try stored.first?.string("secret_digest"), TokenSecret.digest(success.sessionSecret))
        XCTAssertNotEqual(try stored.first?.string("secret_digest"), success.sessionSecret)
    }

    func testUnknownEmailAndWrongPasswordGetTheSameAnswerInAboutTheSameTime() async throws {
        let user = try await makeUser([.support])
        // Warm up both paths once (first queries, lazily built lists).
        _ = await services.authenticator.login(email: user.email, password: "wrong-but-long-enough", clientIP: "198.51.100.1", userAgent: "t")
        _ = await services.authenticator.login(email: uniqueEmail(), password: "wrong-but-long-enough", clientIP: "198.51.100.1", userAgent: "t")
        var wrong: [Double] = [], unknown: [Double] = []
        for attempt in 0..<3 {
            let clock = ContinuousClock()
            var start = clock.now
            let wrongResult = await services.authenticator.login(email: user.email, password: "wrong-but-long-enough-\(attempt)",
                                                                 clientIP: "198.51.100.1", userAgent: "t")
            wrong.append((clock.now - start).seconds)
            start = clock.now
            let unknownResult = await services.authenticator.login(email: uniqueEmail(), password: "wrong-but-long-enough-\(attempt)",
                                                                   clientIP: "198.51.100.1", userAgent: "t")
            unknown.append((clock.now - start).seconds)
            guard case .invalidCredentials = wrongResult, case .invalidCredentials = unknownResult else {
                return XCTFail("both must be invalidCredentials: \(wrongResult) / \(unknownResult)")
            }
        }
        let ratio = wrong.sorted()[1] / unknown.sorted()[1]
        XCTAssertTrue((0.5...2.0).contains(ratio), "median wrong password \(wrong) vs unknown e-mail \(unknown): ratio \(ratio)")
        XCTAssertGreaterThan(unknown.sorted()[1], 0.01, "the unknown e-mail must cost a bcrypt verification too")
    }

    func testDisabledUserCannotSignInWithTheRightPassword() async throws {
        let user = try await makeUser([.support])
        _ = try await services.administration.disable(userID: user.id, by: .cli)
        let result = await services.authenticator.login(email: user.email, password: Self.goodPassword, clientIP: "192.0.2.1", userAgent: "t")
        guard case .invalidCredentials = result else { return XCTFail("\(result)") }
    }

    func testRaisingTheCostRehashesOnTheNextLogin() async throws {
        let user = try await makeUser([.support])
        func storedHash() async throws -> (hash: String, changedAt: Double?) {
            let row = try await database.query(
                "SELECT password_hash, extract(epoch from password_changed_at)::float8 AS changed FROM staff_users WHERE id = $1",
                [String(user.id)])[0]
            return (try row.string("password_hash") ?? "", try row.double("changed"))
        }
        let before = try await storedHash()
        XCTAssertEqual(PasswordHasher.cost(of: before.hash), 10)

        services = try makeServices { $0.bcryptCost = 11 }
        _ = try await signIn(user.email)
        let after = try await storedHash()
        XCTAssertEqual(PasswordHasher.cost(of: after.hash), 11, "re-hashed at the new cost")
        XCTAssertEqual(after.changedAt, before.changedAt, "a re-hash is not a password change")
        _ = try await signIn(user.email)
        let again = try await storedHash()
        XCTAssertEqual(again.hash, after.hash, "no re-hash when the cost is current")
    }

    func testEveryLoginGetsAFreshSecretAndEndsTheSessionItCameWith() async throws {
        let user = try await makeUser([.support])
        let first = try await signIn(user.email)
        let result = await services.authenticator.login(email: user.email, password: Self.goodPassword, clientIP: "192.0.2.1", userAgent: "t",
                                                        previousSessionSecret: first.sessionSecret)
        guard case .success(let second) = result else { return XCTFail("\(result)") }
        XCTAssertNotEqual(first.sessionSecret, second.sessionSecret)
        XCTAssertNotEqual(first.csrfToken, second.csrfToken)
        let old = try await services.authenticator.resolveSession(secret: first.sessionSecret)
        XCTAssertNil(old, "the session the browser came with is gone (no fixation)")
        let new = try await services.authenticator.resolveSession(secret: second.sessionSecret)
        XCTAssertNotNil(new)
    }

    func testLogoutEndsTheSessionOnTheServer() async throws {
        let user = try await makeUser([.support])
        let success = try await signIn(user.email)
        let loggedOut = try await services.authenticator.logout(secret: success.sessionSecret, clientIP: "192.0.2.1", userAgent: "t")
        XCTAssertTrue(loggedOut)
        let after = try await services.authenticator.resolveSession(secret: success.sessionSecret)
        XCTAssertNil(after, "the cookie is worthless once logged out, even if replayed")
        let again = try await services.authenticator.logout(secret: success.sessionSecret, clientIP: "", userAgent: "")
        XCTAssertFalse(again)
    }

    func testDisablingAUserStopsTheirSessionAtOnce() async throws {
        let user = try await makeUser([.oncall])
        let success = try await signIn(user.email)
        _ = try await services.administration.disable(userID: user.id, by: .cli)
        let resolved = try await services.authenticator.resolveSession(secret: success.sessionSecret)
        XCTAssertNil(resolved)
        _ = try await services.administration.enable(userID: user.id, by: .cli)
        let afterEnable = try await services.authenticator.resolveSession(secret: success.sessionSecret)
        XCTAssertNil(afterEnable, "enabling again does not bring old sessions back")
    }

    func testDisabledFlagSetAroundTheApplicationStillStopsTheSession() async throws {
        let user = try await makeUser([.oncall])
        let success = try await signIn(user.email)
        try await database.execute("UPDATE staff_users SET disabled = true WHERE id = $1", [String(user.id)])
        let resolved = try await services.authenticator.resolveSession(secret: success.sessionSecret)
        XCTAssertNil(resolved, "the user is re-read on every request")
    }

    func testRoleChangeIsSeenOnTheNextRequest() async throws {
        let admin = try await makeUser([.admin])
        let user = try await makeUser([.oncall])
        let success = try await signIn(user.email)
        let before = try await services.authenticator.resolveSession(secret: success.sessionSecret)
        XCTAssertEqual(before?.allows(.silencesManage), true)
        _ = try await services.administration.setRoles(userID: user.id, roles: [.support], by: .user(admin, clientIP: "", userAgent: ""))
        let after = try await services.authenticator.resolveSession(secret: success.sessionSecret)
        XCTAssertEqual(after?.allows(.silencesManage), false)
        XCTAssertEqual(after?.allows(.logsRead), true)
    }

    func testCSRFTokenMatchesOnlyItsOwnSession() async throws {
        let user = try await makeUser([.support])
        let mine = try await signIn(user.email)
        let other = try await signIn(user.email)
        let resolved = try await services.authenticator.resolveSession(secret: mine.sessionSecret)
        let principal = try XCTUnwrap(resolved)
        XCTAssertTrue(principal.acceptsCSRFToken(mine.csrfToken))
        XCTAssertFalse(principal.acceptsCSRFToken(other.csrfToken))
        XCTAssertFalse(principal.acceptsCSRFToken(nil))
        XCTAssertFalse(principal.acceptsCSRFToken(""))
        XCTAssertFalse(principal.acceptsCSRFToken(String(mine.csrfToken.dropLast())))
        XCTAssertTrue(CSRFToken.matches(mine.csrfToken, expected: mine.csrfToken))
    }

    func testGarbageSecretsResolveToNothing() async throws {
        for secret in ["", "x", String(repeating: "a", count: 5000), "' OR 1=1 --", "dmp_pat_' OR 1=1 --"] {
            let session = try await services.authenticator.resolveSession(secret: secret)
            let bearer = try await services.authenticator.resolveBearer(secret)
            XCTAssertNil(session)
            XCTAssertNil(bearer)
        }
    }

    func testUnreachableDatabaseAnswersUnavailableNotInvalidCredentials() async throws {
        let user = try await makeUser([.support])
        await database.shutdown()
        let result = await services.authenticator.login(email: user.email, password: Self.goodPassword, clientIP: "192.0.2.1", userAgent: "t")
        guard case .unavailable = result else { return XCTFail("\(result)") }
    }
}
