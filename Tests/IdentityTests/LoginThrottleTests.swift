@testable import Identity
import XCTest

final class LoginThrottleTests: IdentityDatabaseTestCase {
    /// Tests share the class's database: each counts failures from an address of its own.
    private let ip = "198.18.\(UInt8.random(in: 0...255)).\(UInt8.random(in: 1...254))"

    private func attempt(_ email: String, _ password: String = "wrong-but-long-enough", ip: String? = nil) async -> LoginResult {
        await services.authenticator.login(email: email, password: password, clientIP: ip ?? self.ip, userAgent: "t")
    }

    func testSixthAttemptAfterFiveFailuresIsRefusedWithRetryAfter() async throws {
        let user = try await makeUser([.support])
        for number in 1...5 {
            let result = await attempt(user.email)
            guard case .invalidCredentials = result else { return XCTFail("attempt \(number): \(result)") }
        }
        let sixth = await attempt(user.email, Self.goodPassword)
        guard case .throttled(let seconds) = sixth else { return XCTFail("the 6th attempt must be refused: \(sixth)") }
        XCTAssertEqual(seconds, 1)
        clock.advance(seconds: 1.5)
        let later = await attempt(user.email, Self.goodPassword)
        guard case .success = later else { return XCTFail("after the delay the right password works: \(later)") }
    }

    func testDelaysDoubleAndAreCapped() {
        let policy = LoginThrottlePolicy()
        XCTAssertNil(policy.delay(afterFailures: 4, free: 5))
        XCTAssertEqual(policy.delay(afterFailures: 5, free: 5), 1)
        XCTAssertEqual(policy.delay(afterFailures: 6, free: 5), 2)
        XCTAssertEqual(policy.delay(afterFailures: 8, free: 5), 8)
        XCTAssertEqual(policy.delay(afterFailures: 15, free: 5), 900, "capped at 15 minutes")
        XCTAssertEqual(policy.delay(afterFailures: 500, free: 5), 900)
    }

    func testSuccessResetsTheAccountCount() async throws {
        let user = try await makeUser([.support])
        for _ in 1...4 { _ = await attempt(user.email) }
        _ = try await signIn(user.email, ip: ip)
        for number in 1...5 {
            let result = await attempt(user.email)
            guard case .invalidCredentials = result else { return XCTFail("attempt \(number) after the reset: \(result)") }
        }
        let status = try await services.throttle.status(email: user.email)
        XCTAssertEqual(status?.failures, 5)
    }

    func testUnknownEmailsAreThrottledTheSameWay() async throws {
        let email = uniqueEmail()
        for _ in 1...5 { _ = await attempt(email) }
        let sixth = await attempt(email)
        guard case .throttled = sixth else { return XCTFail("\(sixth)") }
    }

    func testAccountLocksAfterTwentyFailuresUntilAnAdminUnlocks() async throws {
        let user = try await makeUser([.support])
        for number in 1...20 {
            let result = await attempt(user.email)
            guard case .invalidCredentials = result else { return XCTFail("attempt \(number): \(result)") }
            clock.advance(seconds: 901)  // wait out every delay: only the lock-out remains
        }
        clock.advance(seconds: 7 * 24 * 3600)
        let locked = await attempt(user.email, Self.goodPassword)
        guard case .locked = locked else { return XCTFail("a week later the account is still locked: \(locked)") }
        let lockedAccounts = try await services.throttle.lockedAccounts()
        XCTAssertTrue(lockedAccounts.contains { $0.email == user.email })

        let admin = try await makeUser([.admin])
        let wasLocked = try await services.administration.unlock(email: user.email, by: .user(admin, clientIP: "192.0.2.5", userAgent: "t"))
        XCTAssertTrue(wasLocked)
        _ = try await signIn(user.email)
        let audit = try await services.audit.list(SecurityAuditFilter(actions: [.accountLocked, .lockoutLifted], target: user.email))
        XCTAssertEqual(audit.entries.map(\.action), ["lockout_lifted", "account_locked"])
        XCTAssertEqual(audit.entries.first?.actor, admin.email)
    }

    func testOneAddressFailingOnManyAccountsIsThrottled() async throws {
        for number in 1...20 {
            let result = await attempt(uniqueEmail(), ip: ip)
            guard case .invalidCredentials = result else { return XCTFail("attempt \(number): \(result)") }
        }
        let user = try await makeUser([.support])
        let fromThatAddress = await attempt(user.email, Self.goodPassword, ip: ip)
        guard case .throttled = fromThatAddress else { return XCTFail("\(fromThatAddress)") }
        let fromElsewhere = await attempt(user.email, Self.goodPassword, ip: "198.19.0.1")
        guard case .success = fromElsewhere else { return XCTFail("another address is not affected: \(fromElsewhere)") }
    }

    func testIPv6AddressesCountPerSlash64() async throws {
        XCTAssertEqual(ClientAddress.throttleKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64")
        XCTAssertEqual(ClientAddress.throttleKey("2001:db8:1:2:bbbb:cccc:dddd:eeee"), "2001:db8:1:2::/64")
        XCTAssertEqual(ClientAddress.throttleKey("192.0.2.1"), "192.0.2.1")
        XCTAssertEqual(ClientAddress.throttleKey("::ffff:192.0.2.1"), "192.0.2.1", "IPv4 seen through a dual-stack socket")
        for host in 1...20 { _ = await attempt(uniqueEmail(), ip: "2001:db8:7:7::\(String(host, radix: 16))") }
        let next = await attempt(uniqueEmail(), ip: "2001:db8:7:7:ffff::1")
        let otherNetwork = await attempt(uniqueEmail(), ip: "2001:db8:7:8::1")
        guard case .invalidCredentials = otherNetwork else { return XCTFail("another /64 has its own count: \(otherNetwork)") }
        guard case .throttled = next else { return XCTFail("the same /64 shares one count: \(next)") }
    }

    func testWrongCurrentPasswordsWhenChangingOnesOwnCountLikeFailedLogins() async throws {
        let user = try await makeUser([.support])
        let context = AuditContext.user(user, clientIP: ip, userAgent: "t")
        for number in 1...5 {
            do {
                _ = try await services.administration.changeOwnPassword(userID: user.id, currentPassword: "guess-number-\(number)",
                                                                        newPassword: "another-fine-phrase-9", keepingSession: nil, context: context)
                XCTFail("a wrong current password must be refused")
            } catch let error as AccountError {
                XCTAssertEqual(error, .wrongCurrentPassword)
            }
        }
        do {
            _ = try await services.administration.changeOwnPassword(userID: user.id, currentPassword: Self.goodPassword,
                                                                    newPassword: "another-fine-phrase-9", keepingSession: nil, context: context)
            XCTFail("the sixth try must wait")
        } catch let error as AccountError {
            XCTAssertEqual(error, .tooManyAttempts(retryAfterSeconds: 1))
        }
        let login = await attempt(user.email, Self.goodPassword)
        guard case .throttled = login else { return XCTFail("the same count guards the login: \(login)") }
    }
}
