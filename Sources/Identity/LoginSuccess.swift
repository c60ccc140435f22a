/// A successful login.
public struct LoginSuccess: Sendable {
    /// The cookie's value. Shown once; only its digest is stored.
    public let sessionSecret: String
    public let csrfToken: String
    public let user: StaffUser
    public let session: StaffSession
}
