import Foundation

/// The form of a password that is checked and hashed: Unicode NFKC (NIST SP 800-63B 5.1.1.2), so that
/// `é` typed as one code point or as `e` + accent, or a full-width `Ａ`, is the same password on
/// every keyboard and operating system.
enum PasswordText {
    static func normalized(_ password: String) -> String {
        password.precomposedStringWithCompatibilityMapping
    }
}
