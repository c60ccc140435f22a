/// A session just started: the secret goes into the cookie and the CSRF token into the login answer.
/// Neither can be read back later.
public struct StartedSession: Sendable {
    public let secret: String
    public let session: StaffSession
    public var csrfToken: String { session.csrfToken }
}
