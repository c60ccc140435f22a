/// The facts about a request that go into each security-audit row it causes: who, from where, with
/// what client. The HTTP layer builds one per request; the CLI uses `cli`.
public struct AuditContext: Sendable, Equatable {
    public var actor: AuditActor
    /// The client address as the hub determined it (after trusted proxies).
    public var clientIP: String
    public var userAgent: String

    public init(actor: AuditActor, clientIP: String = "", userAgent: String = "") {
        self.actor = actor
        self.clientIP = clientIP
        self.userAgent = userAgent
    }

    /// A signed-in staff member's request.
    public static func user(_ user: StaffUser, clientIP: String, userAgent: String) -> AuditContext {
        AuditContext(actor: .user(user), clientIP: clientIP, userAgent: userAgent)
    }

    /// The `admin` command line.
    public static let cli = AuditContext(actor: .cli, clientIP: "", userAgent: "admin-cli")
    public static let system = AuditContext(actor: .system, clientIP: "", userAgent: "")
}
