import ClientPostgres
@testable import Identity
import XCTest

final class SecurityAuditTests: IdentityDatabaseTestCase {
    func testEachSecurityEventLeavesARowWithActorAddressAndClient() async throws {
        let admin = try await makeUser([.admin])
        let adminContext = AuditContext.user(admin, clientIP: "192.0.2.44", userAgent: "Firefox/140")
        let created = try await services.administration.createUser(email: uniqueEmail(), roles: [.support], password: nil, by: adminContext)
        let user = created.user
        _ = try await services.administration.consumeResetLink(token: try XCTUnwrap(created.setPasswordLink).token,
                                                               newPassword: Self.goodPassword, clientIP: "192.0.2.45", userAgent: "Chrome/130")
        _ = await services.authenticator.login(email: user.email, password: "wrong-but-long-enough", clientIP: "192.0.2.45", userAgent: "Chrome/130")
        let session = try await signIn(user.email, ip: "192.0.2.45")
        _ = try await services.authenticator.logout(secret: session.sessionSecret, clientIP: "192.0.2.45", userAgent: "Chrome/130")
        _ = try await services.administration.setRoles(userID: user.id, roles: [.oncall], by: adminContext)
        let other = try await signIn(user.email, ip: "192.0.2.45")
        _ = try await services.administration.revokeSession(id: other.session.id, by: adminContext)
        let (token, _) = try await services.administration.createPersonalToken(userID: user.id, by: adminContext)
        _ = try await services.administration.revokePersonalToken(id: token.id, by: adminContext)
        _ = try await services.administration.setPassword(userID: user.id, newPassword: "another-fine-phrase-9", by: adminContext)
        _ = try await services.administration.createResetLink(userID: user.id, by: adminContext)
        _ = try await services.administration.disable(userID: user.id, by: adminContext)
        _ = try await services.administration.enable(userID: user.id, by: adminContext)
        _ = try await services.administration.unlock(email: user.email, by: adminContext)
        let ingest = IngestToken(id: 7, service: "core", scopes: ["ingest"], description: "", prefix: "dmp_abc123", createdAt: "", revokedAt: nil)
        try await services.administration.recordIngestTokenCreated(ingest, by: adminContext)
        try await services.administration.recordIngestTokenRevoked(ingest, by: adminContext)
        for _ in 1...5 { _ = await services.authenticator.login(email: user.email, password: "wrong-but-long-enough", clientIP: "192.0.2.46", userAgent: "curl") }
        _ = await services.authenticator.login(email: user.email, password: "wrong-but-long-enough", clientIP: "192.0.2.46", userAgent: "curl")

        let page = try await services.audit.list(SecurityAuditFilter(since: clock.now().addingTimeInterval(-60), limit: 1000))
        let mine = page.entries.filter { $0.target == user.email || $0.target == token.prefix || $0.target == ingest.prefix }
        let actions = Set(mine.map(\.action))
        let expected: Set<String> = [
            "user_created", "password_reset_link_created", "password_changed", "login_failed", "login_ok", "logout", "roles_changed",
            "session_revoked", "personal_token_created", "personal_token_revoked", "user_disabled", "user_enabled", "lockout_lifted",
            "ingest_token_created", "ingest_token_revoked", "login_throttled",
        ]
        XCTAssertEqual(expected.subtracting(actions), [], "missing actions")

        let rolesChanged = try XCTUnwrap(mine.first { $0.action == "roles_changed" })
        XCTAssertEqual(rolesChanged.actor, admin.email)
        XCTAssertEqual(rolesChanged.actorUserID, admin.id)
        XCTAssertEqual(rolesChanged.clientIP, "192.0.2.44")
        XCTAssertEqual(rolesChanged.userAgent, "Firefox/140")
        XCTAssertEqual(rolesChanged.details["from"], "support")
        XCTAssertEqual(rolesChanged.details["to"], "oncall")

        let failed = try XCTUnwrap(mine.first { $0.action == "login_failed" })
        XCTAssertEqual(failed.actor, "anonymous")
        XCTAssertEqual(failed.details["reason"], "wrong_password")
        let loginOK = try XCTUnwrap(mine.first { $0.action == "login_ok" })
        XCTAssertEqual(loginOK.actorUserID, user.id)
        XCTAssertEqual(loginOK.clientIP, "192.0.2.45")

        let everything = mine.map { "\($0.details) \($0.target) \($0.userAgent)" }.joined()
        for secret in [Self.goodPassword, "another-fine-phrase-9", "wrong-but-long-enough", session.sessionSecret] {
            XCTAssertFalse(everything.contains(secret), "no secret or password in the audit")
        }
    }

    func testAuditRowsCannotBeChangedOrDeletedEvenWithPlainSQL() async throws {
        let entry = try await services.audit.record(.userCreated, context: .cli, target: "someone@example.test", details: ["k": "v"])
        let statements = [
            "UPDATE security_audit SET actor = 'nobody' WHERE id = \(entry.id)",
            "DELETE FROM security_audit WHERE id = \(entry.id)",
            "TRUNCATE security_audit",
        ]
        for sql in statements {
            do {
                try await database.execute(sql)
                XCTFail("\(sql) must fail")
            } catch {
                XCTAssertEqual(error.sqlState, "42501", "\(sql): \(error)")
                XCTAssertTrue(error.message.contains("append-only"), error.message)
            }
        }
        let stillThere = try await services.audit.list(SecurityAuditFilter(target: "someone@example.test"))
        XCTAssertEqual(stillThere.entries.map(\.id), [entry.id])
        XCTAssertEqual(stillThere.entries.first?.actor, "cli")
        XCTAssertEqual(stillThere.entries.first?.details, ["k": "v"])
    }

    func testListFiltersAndPagesNewestFirst() async throws {
        let target = uniqueEmail("paged")
        var ids: [Int64] = []
        for index in 0..<7 {
            let action: SecurityAuditAction = index.isMultiple(of: 2) ? .loginFailed : .loginOK
            ids.append(try await services.audit.record(action, context: .cli, target: target).id)
            clock.advance(seconds: 10)
        }
        let first = try await services.audit.list(SecurityAuditFilter(target: target, limit: 3))
        XCTAssertEqual(first.entries.map(\.id), Array(ids.reversed().prefix(3)))
        let second = try await services.audit.list(SecurityAuditFilter(target: target, beforeID: first.nextBeforeID, limit: 3))
        XCTAssertEqual(second.entries.map(\.id), Array(ids.reversed().dropFirst(3).prefix(3)))
        let third = try await services.audit.list(SecurityAuditFilter(target: target, beforeID: second.nextBeforeID, limit: 3))
        XCTAssertEqual(third.entries.map(\.id), [ids[0]])
        XCTAssertNil(third.nextBeforeID, "last page")

        let failures = try await services.audit.list(SecurityAuditFilter(actions: [.loginFailed], target: target))
        XCTAssertEqual(failures.entries.count, 4)
        let byTime = try await services.audit.list(SecurityAuditFilter(target: target, since: clock.now().addingTimeInterval(-40),
                                                                        until: clock.now().addingTimeInterval(-10)))
        XCTAssertEqual(byTime.entries.map(\.id), [ids[5], ids[4], ids[3]], "since is inclusive, until exclusive")
        let byActor = try await services.audit.list(SecurityAuditFilter(actor: "cli", target: target))
        XCTAssertEqual(byActor.entries.count, 7)
        let nobody = try await services.audit.list(SecurityAuditFilter(actor: "anonymous", target: target))
        XCTAssertTrue(nobody.entries.isEmpty)
    }
}
