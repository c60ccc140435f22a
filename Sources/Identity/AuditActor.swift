/// Who did something, as the security audit records it.
public struct AuditActor: Sendable, Equatable {
    /// The staff user, when a signed-in user acted.
    public var userID: Int64?
    /// The user's e-mail, or `cli`, `anonymous` (a login attempt) or `system`.
    public var name: String

    public init(userID: Int64?, name: String) {
        self.userID = userID
        self.name = name
    }

    public static func user(_ user: StaffUser) -> AuditActor { AuditActor(userID: user.id, name: user.email) }
    /// The `admin` command line, run by whoever can reach the hub's configuration and database.
    public static let cli = AuditActor(userID: nil, name: "cli")
    /// Someone not signed in (login attempts, set-password links).
    public static let anonymous = AuditActor(userID: nil, name: "anonymous")
    /// The hub itself (first-run set-up).
    public static let system = AuditActor(userID: nil, name: "system")
}
