/// The one spelling of an e-mail address the identity area stores and compares: trimmed and
/// lowercased. Addresses are limited to ASCII so that this lowercasing and PostgreSQL's `lower()`
/// (which backs the unique index) always agree.
public enum EmailAddress {
    /// The longest address SMTP carries (RFC 5321: 254 in a path).
    public static let maximumLength = 254

    /// Normalises and checks an address given to create or change an account.
    public static func normalize(_ raw: String) throws(AccountError) -> String {
        let email = lookupKey(raw)
        guard email.utf8.count <= maximumLength, email.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidEmail(String(raw.prefix(80)))
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .invalidEmail(String(raw.prefix(80))) }
        let local = parts[0], domain = parts[1]
        let localAllowed = local.utf8.allSatisfy { c in
            isAlphanumeric(c) || "!#$%&'*+/=?^_`{|}~.-".utf8.contains(c)
        }
        let domainAllowed = domain.utf8.allSatisfy { c in isAlphanumeric(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") }
        guard !local.isEmpty, local.utf8.count <= 64, localAllowed,
              !domain.isEmpty, domainAllowed, !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..")
        else { throw .invalidEmail(String(raw.prefix(80))) }
        return email
    }

    /// The form used to look up whatever was typed into a login form, valid or not (trimmed,
    /// lowercased, bounded), so that throttling and lookups agree on one key per account.
    public static func lookupKey(_ raw: String) -> String {
        String(raw.trimmingWhitespace().lowercased().prefix(320))
    }

    /// The part before the `@` (the whole text when there is none).
    static func localPart(of email: String) -> Substring {
        email.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(email)
    }

    private static func isAlphanumeric(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
