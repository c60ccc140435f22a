import ClientPostgres
@testable import Identity
import XCTest

final class UserAccountTests: IdentityDatabaseTestCase {
    func testEmailIsUniqueWithoutRegardToCase() async throws {
        let email = uniqueEmail("Ann")
        let created = try await makeUser([.support], email: email.uppercased())
        XCTAssertEqual(created.email, email.lowercased(), "stored lowercased")
        do {
            try await makeUser([.oncall], email: "  " + email.lowercased() + " ")
            XCTFail("a second account with the same address in another case must be refused")
        } catch let error as AccountError {
            XCTAssertEqual(error, .emailTaken(email.lowercased()))
        }
        let found = try await services.users.user(email: email.capitalized)
        XCTAssertEqual(found?.id, created.id)
    }

    func testDatabaseRefusesCaseVariantsEvenAroundTheApplication() async throws {
        let email = uniqueEmail()
        try await makeUser([.support], email: email)
        let now = String(Date().timeIntervalSince1970)
        do {
            try await database.execute(
                "INSERT INTO staff_users (email, roles, created_at, updated_at) VALUES ($1, '{support}', to_timestamp($2::float8), to_timestamp($2::float8))",
                [email.uppercased(), now])
            XCTFail("the unique index on lower(email) must refuse it")
        } catch {
            XCTAssertTrue(error.isUniqueViolation, "\(error)")
        }
    }

    func testDatabaseRefusesRolesOutsideTheFixedSetAndUsersWithoutRoles() async throws {
        let now = String(Date().timeIntervalSince1970)
        for roles in ["{root}", "{support,superuser}", "{}"] {
            do {
                try await database.execute(
                    "INSERT INTO staff_users (email, roles, created_at, updated_at) VALUES ($1, $2::text[], to_timestamp($3::float8), to_timestamp($3::float8))",
                    [uniqueEmail(), roles, now])
                XCTFail("roles \(roles) must be refused")
            } catch {
                XCTAssertEqual(error.sqlState, "23514", "check violation for \(roles): \(error)")
            }
        }
        do {
            try await makeUser([])
            XCTFail("no roles must be refused")
        } catch let error as AccountError {
            XCTAssertEqual(error, .noRoles)
        }
    }

    func testInvalidEmailsAreRefused() async throws {
        for email in ["", "no-at-sign", "two@@example.test", "spaces in@example.test", "a@.example", "a@example..test", "ümlaut@example.test"] {
            do {
                try await makeUser([.support], email: email)
                XCTFail("'\(email)' must be refused")
            } catch let error as AccountError {
                XCTAssertEqual(error.code, "invalid_email", email)
            }
        }
    }

    func testWeakPasswordIsRefusedAndNoUserIsCreated() async throws {
        let email = uniqueEmail()
        do {
            try await makeUser([.support], email: email, password: "password1234")
            XCTFail("a common password must be refused")
        } catch let error as AccountError {
            XCTAssertEqual(error, .weakPassword(.tooCommon))
        }
        let user = try await services.users.user(email: email)
        XCTAssertNil(user)
    }

    func testStoredPasswordIsABcryptHashAtTheConfiguredCost() async throws {
        let user = try await makeUser([.support])
        let hash = try await database.query("SELECT password_hash FROM staff_users WHERE id = $1", [String(user.id)])[0].string("password_hash")
        XCTAssertEqual(PasswordHasher.cost(of: hash ?? ""), Self.testBcryptCost)
        XCTAssertFalse(hash?.contains(Self.goodPassword) ?? true)
    }

    func testUserWithoutPasswordGetsAOneTimeSetPasswordLink() async throws {
        let email = uniqueEmail()
        let created = try await services.administration.createUser(email: email, roles: [.oncall], password: nil, by: .cli)
        let link = try XCTUnwrap(created.setPasswordLink)
        XCTAssertFalse(created.user.hasPassword)
        XCTAssertEqual(link.expiresAt.timeIntervalSince(clock.now()), 24 * 3600, accuracy: 1)
        let noPasswordYet = await services.authenticator.login(email: email, password: Self.goodPassword, clientIP: "192.0.2.1", userAgent: "t")
        guard case .invalidCredentials = noPasswordYet else { return XCTFail("\(noPasswordYet)") }

        let forUser = try await services.administration.resetLinkUser(token: link.token)
        XCTAssertEqual(forUser?.email, email)
        do {
            _ = try await services.administration.consumeResetLink(token: link.token, newPassword: "qwertyqwerty", clientIP: "", userAgent: "")
            XCTFail("a weak password must be refused")
        } catch let error as AccountError {
            XCTAssertEqual(error, .weakPassword(.tooCommon))
        }
        let user = try await services.administration.consumeResetLink(token: link.token, newPassword: Self.goodPassword, clientIP: "", userAgent: "")
        XCTAssertTrue(user.hasPassword, "the refused attempt left the link usable")
        _ = try await signIn(email)
        do {
            _ = try await services.administration.consumeResetLink(token: link.token, newPassword: "another-fine-phrase-9", clientIP: "", userAgent: "")
            XCTFail("a link works once")
        } catch let error as AccountError {
            XCTAssertEqual(error, .invalidResetLink)
        }
    }

    func testSetPasswordLinkExpiresAfterADay() async throws {
        let user = try await makeUser([.support])
        let link = try await services.administration.createResetLink(userID: user.id, by: .cli)
        clock.advance(seconds: 24 * 3600 + 1)
        do {
            _ = try await services.administration.consumeResetLink(token: link.token, newPassword: "another-fine-phrase-9", clientIP: "", userAgent: "")
            XCTFail("an expired link must be refused")
        } catch let error as AccountError {
            XCTAssertEqual(error, .invalidResetLink)
        }
    }

    func testANewLinkReplacesTheUnusedOne() async throws {
        let user = try await makeUser([.support])
        let first = try await services.administration.createResetLink(userID: user.id, by: .cli)
        let second = try await services.administration.createResetLink(userID: user.id, by: .cli)
        let firstUser = try await services.administration.resetLinkUser(token: first.token)
        let secondUser = try await services.administration.resetLinkUser(token: second.token)
        XCTAssertNil(firstUser)
        XCTAssertEqual(secondUser?.id, user.id)
        let digests = try await database.query("SELECT token_digest FROM staff_password_resets WHERE user_id = $1", [String(user.id)])
        XCTAssertFalse(try digests.contains { try $0.string("token_digest") == second.token }, "only a digest is stored")
    }

    func testSettingAPasswordEndsTheUsersSessions() async throws {
        let user = try await makeUser([.support])
        let first = try await signIn(user.email)
        let second = try await signIn(user.email)
        _ = try await services.administration.setPassword(userID: user.id, newPassword: "another-fine-phrase-9", by: .cli)
        let firstAfter = try await services.authenticator.resolveSession(secret: first.sessionSecret)
        let secondAfter = try await services.authenticator.resolveSession(secret: second.sessionSecret)
        XCTAssertNil(firstAfter)
        XCTAssertNil(secondAfter)
        _ = try await signIn(user.email, password: "another-fine-phrase-9")
    }

    func testChangingOnesOwnPasswordNeedsTheCurrentOneAndKeepsThisSession() async throws {
        let user = try await makeUser([.support])
        let here = try await signIn(user.email)
        let elsewhere = try await signIn(user.email)
        do {
            _ = try await services.administration.changeOwnPassword(
                userID: user.id, currentPassword: "not-my-password-at-all", newPassword: "another-fine-phrase-9",
                keepingSession: here.session.id, context: .user(user, clientIP: "", userAgent: ""))
            XCTFail("a wrong current password must be refused")
        } catch let error as AccountError {
            XCTAssertEqual(error, .wrongCurrentPassword)
        }
        _ = try await services.administration.changeOwnPassword(
            userID: user.id, currentPassword: Self.goodPassword, newPassword: "another-fine-phrase-9",
            keepingSession: here.session.id, context: .user(user, clientIP: "", userAgent: ""))
        let hereAfter = try await services.authenticator.resolveSession(secret: here.sessionSecret)
        let elsewhereAfter = try await services.authenticator.resolveSession(secret: elsewhere.sessionSecret)
        XCTAssertNotNil(hereAfter)
        XCTAssertNil(elsewhereAfter)
    }

    func testTelegramUserCanBeLinkedToOneStaffUserOnly() async throws {
        let telegramID = Int64.random(in: 1_000_000...9_000_000_000)
        let first = try await makeUser([.oncall])
        let linked = try await services.administration.updateProfile(userID: first.id, displayName: "First", telegramUserID: telegramID, by: .cli)
        XCTAssertEqual(linked.telegramUserID, telegramID)
        let second = try await makeUser([.oncall])
        do {
            _ = try await services.administration.updateProfile(userID: second.id, displayName: "", telegramUserID: telegramID, by: .cli)
            XCTFail("one Telegram user, one staff user")
        } catch let error as AccountError {
            XCTAssertEqual(error, .telegramUserIDTaken(telegramID))
        }
    }
}
