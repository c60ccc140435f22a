@testable import Identity
import XCTest
import ClientPostgres

final class PersonalTokenTests: IdentityDatabaseTestCase {
    func testTokenResolvesToItsOwnerWithItsScopesOnly() async throws {
        let user = try await makeUser([.oncall])
        let (token, secret) = try await services.administration.createPersonalToken(userID: user.id, name: "grafana", scopes: [.logsRead], by: .cli)
        XCTAssertTrue(secret.hasPrefix("dmp_pat_"))
        XCTAssertTrue(secret.hasPrefix(token.prefix))
        let resolved = try await services.authenticator.resolveBearer(secret)
        let principal = try XCTUnwrap(resolved)
        XCTAssertEqual(principal.user.id, user.id)
        XCTAssertEqual(principal.permissions, [.logsRead], "oncall could do more, the token may not")
        XCTAssertTrue(principal.acceptsCSRFToken(nil), "no cookie, no CSRF check")
        let stored = try await database.query("SELECT token_digest FROM staff_personal_tokens WHERE id = $1", [String(token.id)])
        XCTAssertEqual(try stored[0].string("token_digest"), TokenSecret.digest(secret))
    }

    func testTokenWithoutScopesCarriesAllOfTheOwnersPermissions() async throws {
        let user = try await makeUser([.manager])
        let (token, secret) = try await services.administration.createPersonalToken(userID: user.id, by: .cli)
        XCTAssertEqual(token.scopes, [.logsRead, .operationsRun])
        let principal = try await services.authenticator.resolveBearer(secret)
        XCTAssertEqual(principal?.permissions, [.logsRead, .operationsRun])
    }

    func testScopesBeyondTheOwnersRolesAreRefused() async throws {
        let user = try await makeUser([.support])
        do {
            _ = try await services.administration.createPersonalToken(userID: user.id, scopes: [.logsRead, .usersManage], by: .cli)
            XCTFail("support cannot hand out users.manage")
        } catch let error as AccountError {
            XCTAssertEqual(error, .scopesExceedRoles([.usersManage]))
        }
    }

    func testRemovingARoleNarrowsTheTokenAtOnce() async throws {
        let user = try await makeUser([.oncall])
        let (_, secret) = try await services.administration.createPersonalToken(userID: user.id, by: .cli)
        _ = try await services.administration.setRoles(userID: user.id, roles: [.support], by: .cli)
        let principal = try await services.authenticator.resolveBearer(secret)
        XCTAssertEqual(principal?.permissions, [.logsRead])
    }

    func testRevokedExpiredAndDisabledOwnersTokensDoNotResolve() async throws {
        let user = try await makeUser([.support])
        let (revoked, revokedSecret) = try await services.administration.createPersonalToken(userID: user.id, by: .cli)
        let (_, expiringSecret) = try await services.administration.createPersonalToken(
            userID: user.id, expiresAt: clock.now().addingTimeInterval(3600), by: .cli)
        let (_, plainSecret) = try await services.administration.createPersonalToken(userID: user.id, by: .cli)

        _ = try await services.administration.revokePersonalToken(id: revoked.id, by: .cli)
        let afterRevoke = try await services.authenticator.resolveBearer(revokedSecret)
        XCTAssertNil(afterRevoke)

        let beforeExpiry = try await services.authenticator.resolveBearer(expiringSecret)
        XCTAssertNotNil(beforeExpiry)
        clock.advance(seconds: 3601)
        let afterExpiry = try await services.authenticator.resolveBearer(expiringSecret)
        XCTAssertNil(afterExpiry)

        _ = try await services.administration.disable(userID: user.id, by: .cli)
        let disabledOwner = try await services.authenticator.resolveBearer(plainSecret)
        XCTAssertNil(disabledOwner)
    }

    func testExpiryInThePastIsRefused() async throws {
        let user = try await makeUser([.support])
        do {
            _ = try await services.administration.createPersonalToken(userID: user.id, expiresAt: clock.now().addingTimeInterval(-1), by: .cli)
            XCTFail("must be refused")
        } catch let error as AccountError {
            XCTAssertEqual(error, .expiryInThePast)
        }
    }

    func testAUserCanRevokeOnlyTheirOwnTokens() async throws {
        let owner = try await makeUser([.support])
        let other = try await makeUser([.support])
        let (token, secret) = try await services.administration.createPersonalToken(userID: owner.id, by: .cli)
        do {
            _ = try await services.administration.revokePersonalToken(id: token.id, ownedBy: other.id, by: .user(other, clientIP: "", userAgent: ""))
            XCTFail("another user's token must not be revocable through self-service")
        } catch let error as AccountError {
            XCTAssertEqual(error, .unknownToken(token.id))
        }
        let stillValid = try await services.authenticator.resolveBearer(secret)
        XCTAssertNotNil(stillValid)
    }
}
