@testable import Identity
import XCTest

final class PasswordPolicyTests: XCTestCase {
    private let policy = PasswordPolicy()

    private func violation(_ password: String, email: String? = "maria.lopez@datamp.example") -> PasswordPolicyViolation? {
        do {
            try policy.check(password, email: email)
            return nil
        } catch {
            return error
        }
    }

    func testPassphrasesOfTwelveOrMoreCharactersAreAccepted() {
        XCTAssertNil(violation("violet-tundra-marching-42"))
        XCTAssertNil(violation("correct horse battery staple"))
        XCTAssertNil(violation("Зелёный-чайник-17"), "other alphabets count by character")
    }

    func testShortPasswordsAreRefused() {
        XCTAssertEqual(violation("k9#mQ2!xLp"), .tooShort(minimum: 12))
        XCTAssertEqual(violation("k9#mQ2!xLp7"), .tooShort(minimum: 12), "11 characters")
        XCTAssertNil(violation("k9#mQ2!xLp7w"), "12 characters")
    }

    func testCommonPasswordsAndTheirPaddedFormsAreRefused() {
        for password in ["qwerty123456", "1q2w3e4r5t6y", "password1234", "Password2024!", "qwertyqwerty",
                         "P@ssw0rd12345", "!!sunshine2025", "iloveyou1234", "michaeljackson", "FOOTBALLFOOTBALL"] {
            XCTAssertEqual(violation(password), .tooCommon, password)
        }
    }

    func testRepeatedAndSequentialRunsAreRefused() {
        for password in ["aaaaaaaaaaaa", "abcdefghijkl", "123456789012", "ababababababab", "zyxwvutsrqpo"] {
            XCTAssertEqual(violation(password), .tooSimple, password)
        }
    }

    func testPasswordsContainingTheEmailAreRefused() {
        XCTAssertEqual(violation("maria.lopez-rocks!", email: "maria.lopez@datamp.example"), .containsEmail)
        XCTAssertEqual(violation("Lopez+family+1987", email: "maria.lopez@datamp.example"), .containsEmail)
        XCTAssertEqual(violation("mydatamp-login-77", email: "maria.lopez@datamp.example"), .containsEmail, "the company's domain")
        XCTAssertNil(violation("Lopez+family+1987", email: "someone@else.example"))
    }

    func testPasswordsBcryptWouldCutAreRefused() {
        XCTAssertEqual(violation(String(repeating: "quartz-river-", count: 6)), .tooLong(maximumBytes: 72), "78 bytes")
        XCTAssertNil(violation(String("quartz-river-lamp-hollow-mint-orbit-spice-cedar-dune-maple-fjord-noon-a".prefix(72))))
        XCTAssertEqual(violation("кварц-река-лампа-пустота-мята-орбита-специя"), .tooLong(maximumBytes: 72), "Cyrillic takes 2 bytes a letter")
    }

    func testControlCharactersAreRefused() {
        XCTAssertEqual(violation("violet-tundra\u{0}-marching"), .controlCharacters)
        XCTAssertEqual(violation("violet-tundra\n-marching"), .controlCharacters)
    }

    func testMessagesNeverRepeatThePassword() {
        let password = "Password2024!"
        let message = AccountError.weakPassword(violation(password)!).description
        XCTAssertFalse(message.contains(password))
        XCTAssertEqual(AccountError.weakPassword(.tooCommon).code, "password_too_common")
    }
}
