/// Hides the password of a `mongodb://user:password@host/...` URI for logs and error messages.
public enum MongoURIRedaction {
    /// `mongodb://app:s3cret@db1/x` -> `mongodb://app:***@db1/x`; URIs without a password are unchanged.
    public static func redact(_ uri: String) -> String {
        guard let schemeEnd = uri.firstRange(of: "://") else { return uri }
        let rest = uri[schemeEnd.upperBound...]
        // The userinfo ends at the last '@' before the path; a password may itself contain '@' only
        // percent-encoded, but be generous and take the last one before '/' or '?'.
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return uri }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return uri }
        return String(uri[..<userInfo.index(after: colon)]) + "***" + String(uri[at...])
    }

    /// Removes `secret` (a password) from a message that may echo it.
    static func scrub(_ message: String, secret: String?) -> String {
        guard let secret, !secret.isEmpty else { return message }
        return message.replacing(secret, with: "***")
    }
}
