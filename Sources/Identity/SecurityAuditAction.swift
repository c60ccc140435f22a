/// What a security-audit row records. The raw values are the stored `action` column.
public enum SecurityAuditAction: String, CaseIterable, Sendable, Codable {
    case loginOK = "login_ok"
    /// Wrong password, unknown e-mail, disabled account or no password yet (`details.reason` says which).
    case loginFailed = "login_failed"
    /// Refused before the password was checked: a delay was running, or the account is locked.
    case loginThrottled = "login_throttled"
    /// This failure locked the account.
    case accountLocked = "account_locked"
    case logout
    case userCreated = "user_created"
    /// Display name or Telegram user id changed.
    case userUpdated = "user_updated"
    case rolesChanged = "roles_changed"
    case userDisabled = "user_disabled"
    case userEnabled = "user_enabled"
    case passwordChanged = "password_changed"
    case passwordResetLinkCreated = "password_reset_link_created"
    case sessionRevoked = "session_revoked"
    case personalTokenCreated = "personal_token_created"
    case personalTokenRevoked = "personal_token_revoked"
    case ingestTokenCreated = "ingest_token_created"
    case ingestTokenRevoked = "ingest_token_revoked"
    case lockoutLifted = "lockout_lifted"
    /// Dead letters re-queued for their store (`details.count`, `details.sink`).
    case deadLettersReplayed = "dead_letters_replayed"
    /// Dead letters set aside for good, with the admin's reason (`details.count`, `details.reason`).
    case deadLettersDiscarded = "dead_letters_discarded"
    /// Alerting: a group acknowledged (API, page or Telegram button).
    case alertAcknowledged = "alert_acknowledged"
    case silenceCreated = "silence_created"
    case silenceExpired = "silence_expired"
}
