import ClientHTTP
import ClientPostgres
import Foundation
import LogModel
import TestSupport
import XCTest

/// Password hashes as stored: the configured bcrypt cost, upgraded at the next login after the
/// cost is raised; never in an answer.
final class PasswordHashingTests: StaffTestCase {
    func testRaisingTheCostReHashesAtTheNextLogin() async throws {
        try createUser("hash@staff.test", roles: ["support"])
        let database = try PostgresClient(url: databaseURL, poolSize: 1)
        func storedHash() async throws -> String {
            try await database.query("SELECT password_hash FROM staff_users WHERE email = 'hash@staff.test'", []).first?.string("password_hash") ?? ""
        }
        let before = try await storedHash()
        XCTAssertTrue(before.hasPrefix("$2b$10$") || before.hasPrefix("$2a$10$") || before.hasPrefix("$2y$10$"), "cost 10 as configured: \(before.prefix(7))")

        let hub = try await startStaffHub(extra: ["ADMIN_AUTH_BCRYPT_COST": "11"])
        let (response, _) = try await login(hub, "hash@staff.test")
        XCTAssertEqual(response.status, 200)
        XCTAssertFalse(response.bodyText.contains("$2"), "no hash in the answer")
        let after = try await storedHash()
        XCTAssertEqual(after.dropFirst(4).prefix(3), "11$", "re-hashed at the raised cost: \(after.prefix(7))")
        let (again, _) = try await login(hub, "hash@staff.test")
        XCTAssertEqual(again.status, 200, "the same password still works after the upgrade")
    }
}
