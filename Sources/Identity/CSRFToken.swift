/// The anti-CSRF token of a session (synchroniser-token pattern): generated with the session,
/// returned by the login answer and rendered into forms, sent back by the browser in `X-CSRF-Token`
/// or a hidden field on every state-changing request that carries the session cookie.
///
/// The token is stored in the session row as it is (not hashed): on its own it grants nothing,
/// since it only counts together with the session cookie, and pages need it to fill their forms.
public enum CSRFToken {
    /// A new token: 256 random bits, base64url.
    public static func generate() -> String { RandomSecret.generate(bytes: 32) }

    /// True when `presented` is the session's token. Constant time; a missing or empty token never matches.
    public static func matches(_ presented: String?, expected: String) -> Bool {
        guard let presented, !presented.isEmpty, !expected.isEmpty else { return false }
        return ConstantTime.equals(presented, expected)
    }
}
