/// A new staff user, and the one-time set-password link when no password was given.
public struct CreatedUser: Sendable {
    public let user: StaffUser
    public let setPasswordLink: PasswordResetLink?
}
