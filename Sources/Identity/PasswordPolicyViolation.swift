/// Why a new password was refused. The messages tell the person what to choose instead and never
/// repeat the password.
public enum PasswordPolicyViolation: Error, Sendable, Equatable, CustomStringConvertible {
    case tooShort(minimum: Int)
    /// bcrypt reads only the first 72 bytes; a longer password would be silently cut, so it is refused.
    case tooLong(maximumBytes: Int)
    case controlCharacters
    case tooCommon
    case tooSimple
    case containsEmail

    public var code: String {
        switch self {
        case .tooShort: "password_too_short"
        case .tooLong: "password_too_long"
        case .controlCharacters: "password_control_characters"
        case .tooCommon: "password_too_common"
        case .tooSimple: "password_too_simple"
        case .containsEmail: "password_contains_email"
        }
    }

    public var description: String {
        switch self {
        case .tooShort(let minimum):
            return "the password is too short: use at least \(minimum) characters (a few unrelated words make a good one)"
        case .tooLong(let maximum):
            return "the password is too long: use at most \(maximum) bytes in UTF-8 (\(maximum) plain letters or digits; fewer for other alphabets)"
        case .controlCharacters:
            return "the password contains control characters (tab, newline, NUL ...): use printable characters only"
        case .tooCommon:
            return "the password is one of the most common passwords, or one with a few digits or symbols added: choose another"
        case .tooSimple:
            return "the password is a repeated or sequential run of characters: choose one that is not"
        case .containsEmail:
            return "the password contains the e-mail address or part of it: choose one that does not"
        }
    }
}
