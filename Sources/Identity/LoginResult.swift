/// The outcome of a login attempt, for the HTTP layer to turn into an answer.
public enum LoginResult: Sendable {
    /// Set the cookie to `sessionSecret`; put `csrfToken` in the JSON answer.
    case success(LoginSuccess)
    /// 401. The same answer, after about the same time, for an unknown e-mail, a wrong password, a
    /// disabled account and one without a password yet.
    case invalidCredentials
    /// 429 with `Retry-After: retryAfterSeconds`; the password was not checked.
    case throttled(retryAfterSeconds: Int)
    /// Locked after too many failures: only an admin can unlock (`UserAdministration.unlock`). The
    /// same holds for an e-mail that has no account, so this reveals nothing about who exists.
    case locked
    /// PostgreSQL could not be reached or failed: 503. Nothing was decided.
    case unavailable
}
