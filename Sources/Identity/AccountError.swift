/// Why a change to staff accounts, passwords or tokens was refused, with what to do about it.
/// The HTTP layer maps `code` to its JSON error and `httpStatus` to the status; no case carries
/// a password, a hash or a secret.
public enum AccountError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidEmail(String)
    case emailTaken(String)
    case telegramUserIDTaken(Int64)
    case noRoles
    case unknownRole(String)
    case unknownPermission(String)
    case unknownUser(String)
    case userDisabled(String)
    case weakPassword(PasswordPolicyViolation)
    /// The current password given to change one's own password was wrong.
    case wrongCurrentPassword
    /// Too many wrong passwords for this account lately (login throttling applies here too).
    case tooManyAttempts(retryAfterSeconds: Int?)
    /// The change would leave no enabled admin, and nobody could manage users any more.
    case lastAdmin
    /// A personal token cannot carry permissions its owner's roles do not grant.
    case scopesExceedRoles([Permission])
    case expiryInThePast
    case unknownToken(Int64)
    case unknownSession(Int64)
    /// Unknown, already used or expired: one answer for all three, so a link cannot be probed.
    case invalidResetLink
    case invalidBcryptCost(Int, allowed: ClosedRange<Int>)

    /// A stable, low-cardinality code for JSON errors and metrics.
    public var code: String {
        switch self {
        case .invalidEmail: "invalid_email"
        case .emailTaken: "email_taken"
        case .telegramUserIDTaken: "telegram_user_id_taken"
        case .noRoles: "no_roles"
        case .unknownRole: "unknown_role"
        case .unknownPermission: "unknown_permission"
        case .unknownUser: "unknown_user"
        case .userDisabled: "user_disabled"
        case .weakPassword(let violation): violation.code
        case .wrongCurrentPassword: "wrong_current_password"
        case .tooManyAttempts: "too_many_attempts"
        case .lastAdmin: "last_admin"
        case .scopesExceedRoles: "scopes_exceed_roles"
        case .expiryInThePast: "expiry_in_the_past"
        case .unknownToken: "unknown_token"
        case .unknownSession: "unknown_session"
        case .invalidResetLink: "invalid_reset_link"
        case .invalidBcryptCost: "invalid_bcrypt_cost"
        }
    }

    /// The HTTP status that fits: 400 bad input, 404 unknown, 409 conflict with the current state.
    public var httpStatus: Int {
        switch self {
        case .emailTaken, .telegramUserIDTaken, .lastAdmin, .userDisabled: 409
        case .unknownUser, .unknownToken, .unknownSession: 404
        case .tooManyAttempts: 429
        default: 400
        }
    }

    public var description: String {
        switch self {
        case .invalidEmail(let text):
            return "'\(text)' is not an e-mail address this hub accepts: use local@domain in ASCII, at most 254 characters"
        case .emailTaken(let email):
            return "a user with the e-mail \(email) exists already (e-mails are compared without regard to case)"
        case .telegramUserIDTaken(let id):
            return "Telegram user \(id) is linked to another staff user already"
        case .noRoles:
            return "a user needs at least one role: \(Role.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unknownRole(let name):
            return "unknown role '\(name)': use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unknownPermission(let name):
            return "unknown scope '\(name)': use one of \(Permission.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unknownUser(let who):
            return "no staff user \(who)"
        case .userDisabled(let email):
            return "the user \(email) is disabled: enable them first"
        case .weakPassword(let violation):
            return violation.description
        case .wrongCurrentPassword:
            return "the current password is not correct"
        case .tooManyAttempts(let seconds):
            if let seconds { return "too many wrong passwords for this account: try again in \(seconds) s" }
            return "too many wrong passwords: the account is locked until an admin unlocks it"
        case .lastAdmin:
            return "this would leave no enabled admin: give another user the admin role first"
        case .scopesExceedRoles(let scopes):
            return "the user's roles do not grant \(scopes.map(\.rawValue).joined(separator: ", ")): a token can only carry permissions its owner has"
        case .expiryInThePast:
            return "the expiry time has passed already: give a time in the future"
        case .unknownToken(let id):
            return "no personal token with id \(id)"
        case .unknownSession(let id):
            return "no active session with id \(id)"
        case .invalidResetLink:
            return "this set-password link is unknown, used or expired: ask an admin for a new one"
        case .invalidBcryptCost(let cost, let allowed):
            return "bcrypt cost \(cost) is out of range: use \(allowed.lowerBound)...\(allowed.upperBound) (12 is the default; each step doubles the time of a login)"
        }
    }
}
