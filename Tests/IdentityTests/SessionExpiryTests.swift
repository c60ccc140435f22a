@testable import Identity
import XCTest
import ClientPostgres

final class SessionExpiryTests: IdentityDatabaseTestCase {
    func testSessionEndsAfterThirtyIdleMinutes() async throws {
        let user = try await makeUser([.support])
        let success = try await signIn(user.email)
        clock.advance(minutes: 29)
        let stillThere = try await services.authenticator.resolveSession(secret: success.sessionSecret)
        XCTAssertNotNil(stillThere, "29 idle minutes")
        clock.advance(minutes: 29)
        let afterUse = try await services.authenticator.resolveSession(secret: success.sessionSecret)
        XCTAssertNotNil(afterUse, "each use restarts the idle time")
        clock.advance(minutes: 30)
        let idle = try await services.authenticator.resolveSession(secret: success.sessionSecret)
        XCTAssertNil(idle, "30 idle minutes end it")
        let count = try await database.query("SELECT count(*) AS n FROM staff_sessions WHERE user_id = $1", [String(user.id)])[0].int("n")
        XCTAssertEqual(count, 0, "an expired session is deleted when presented")
    }

    func testSessionEndsTwelveHoursAfterSignInHoweverBusy() async throws {
        let user = try await makeUser([.support])
        let success = try await signIn(user.email)
        for _ in 0..<(12 * 3 - 1) {
            clock.advance(minutes: 20)
            let resolved = try await services.authenticator.resolveSession(secret: success.sessionSecret)
            XCTAssertNotNil(resolved)
        }
        clock.advance(minutes: 20)  // 12 h after sign-in
        let expired = try await services.authenticator.resolveSession(secret: success.sessionSecret)
        XCTAssertNil(expired)
    }

    func testLastSeenIsWrittenAtMostOnceAMinute() async throws {
        let user = try await makeUser([.support])
        let success = try await signIn(user.email)
        func lastSeen() async throws -> Double? {
            try await database.query("SELECT extract(epoch from last_seen_at)::float8 AS t FROM staff_sessions WHERE id = $1",
                                     [String(success.session.id)])[0].double("t")
        }
        let start = try await lastSeen()
        clock.advance(seconds: 30)
        _ = try await services.authenticator.resolveSession(secret: success.sessionSecret)
        let afterHalfAMinute = try await lastSeen()
        XCTAssertEqual(afterHalfAMinute, start)
        clock.advance(seconds: 31)
        _ = try await services.authenticator.resolveSession(secret: success.sessionSecret)
        let afterAMinute = try await lastSeen()
        XCTAssertEqual(try XCTUnwrap(afterAMinute), clock.now().timeIntervalSince1970, accuracy: 0.001)
    }

    func testConfiguredTimeoutsApply() async throws {
        services = try makeServices { $0.sessions = SessionConfiguration(idleTimeout: .seconds(300), absoluteTimeout: .seconds(600)) }
        let user = try await makeUser([.support])
        let success = try await signIn(user.email)
        XCTAssertEqual(success.session.expiresAt.timeIntervalSince(success.session.createdAt), 300, accuracy: 0.001)
        clock.advance(seconds: 301)
        let resolved = try await services.authenticator.resolveSession(secret: success.sessionSecret)
        XCTAssertNil(resolved)
    }

    func testPurgeRemovesOnlyExpiredSessions() async throws {
        let user = try await makeUser([.support])
        let old = try await signIn(user.email)
        clock.advance(minutes: 31)
        let fresh = try await signIn(user.email)
        try await services.purgeExpired()
        let ids = try await database.query("SELECT id FROM staff_sessions WHERE user_id = $1", [String(user.id)]).map { try $0.int64("id") }
        XCTAssertEqual(ids, [fresh.session.id])
        XCTAssertFalse(ids.contains(old.session.id))
    }
}
