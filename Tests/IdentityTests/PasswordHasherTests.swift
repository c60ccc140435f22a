@testable import Identity
import XCTest

final class PasswordHasherTests: XCTestCase {
    func testProductionDefaultHashesAtCostTwelve() async throws {
        let hasher = try PasswordHasher()
        XCTAssertEqual(hasher.cost, 12)
        let hash = try await hasher.hash("violet-tundra-marching-42")
        XCTAssertTrue(hash.hasPrefix("$2b$12$"), hash)
        XCTAssertEqual(PasswordHasher.cost(of: hash), 12)
        let verified = await hasher.verify("violet-tundra-marching-42", against: hash)
        XCTAssertTrue(verified)
    }

    func testHashHasTheConfiguredCostAndAFreshSalt() async throws {
        let hasher = try PasswordHasher(cost: 10)
        let first = try await hasher.hash("violet-tundra-marching-42")
        let second = try await hasher.hash("violet-tundra-marching-42")
        XCTAssertEqual(PasswordHasher.cost(of: first), 10)
        XCTAssertNotEqual(first, second, "each hash has its own salt")
        let wrong = await hasher.verify("violet-tundra-marching-43", against: first)
        XCTAssertFalse(wrong)
    }

    func testCostsBelowTenAreRefused() {
        XCTAssertThrowsError(try PasswordHasher(cost: 9)) { error in
            XCTAssertEqual(error as? AccountError, .invalidBcryptCost(9, allowed: 10...16))
        }
        XCTAssertThrowsError(try PasswordHasher(cost: 17))
    }

    func testAWeakerStoredHashNeedsRehash() throws {
        let hasher = try PasswordHasher(cost: 11)
        let cost10 = "$2b$10$" + String(repeating: "a", count: 53)
        let cost11 = "$2b$11$" + String(repeating: "a", count: 53)
        XCTAssertTrue(hasher.needsRehash(cost10))
        XCTAssertFalse(hasher.needsRehash(cost11))
        XCTAssertTrue(hasher.needsRehash("plain-text"), "anything not bcrypt is replaced")
    }

    func testBytesBeyondBcryptsLimitNeverMatchATruncatedPassword() async throws {
        let hasher = try PasswordHasher(cost: 10)
        let password = String(repeating: "quartz-river-lamp-", count: 4) // exactly 72 bytes
        XCTAssertEqual(password.utf8.count, 72)
        let hash = try await hasher.hash(password)
        let longer = await hasher.verify(password + "suffix", against: hash)
        XCTAssertFalse(longer, "bcrypt ignores byte 73 on; the hasher must not")
        let withNUL = await hasher.verify(String(password.prefix(20)) + "\u{0}tail", against: try await hasher.hash(String(password.prefix(20))))
        XCTAssertFalse(withNUL, "bcrypt stops at NUL; the hasher must not")
    }

    func testTheSameTextTypedDifferentlyIsTheSamePassword() async throws {
        let hasher = try PasswordHasher(cost: 10)
        let composed = "caf\u{E9}-tundra-marching"
        let decomposed = "cafe\u{301}-tundra-marching"
        let hash = try await hasher.hash(composed)
        let verified = await hasher.verify(decomposed, against: hash)
        XCTAssertTrue(verified)
    }
}
