/// What a staff member may do. Routes ask for a permission, never for a role, so that the
/// role matrix (`Role.permissions`) is the one place that decides.
public enum Permission: String, CaseIterable, Sendable, Codable, Comparable {
    /// Search and read logs, live tail, export.
    case logsRead = "logs.read"
    /// Create, change and acknowledge alert rules and routes.
    case alertsManage = "alerts.manage"
    /// Create and end silences.
    case silencesManage = "silences.manage"
    /// Start operations on shops (balance look-ups, top-ups, refunds, system operations).
    case operationsRun = "operations.run"
    /// Approve an operation that needs a second person (never one's own: the operations area checks).
    case operationsApprove = "operations.approve"
    /// Create users, change roles, disable, reset passwords, lift lock-outs.
    case usersManage = "users.manage"
    /// Create, list and revoke ingest tokens.
    case tokensManage = "tokens.manage"
    /// List, replay and discard dead letters.
    case deadLettersManage = "deadletters.manage"
    /// Read the effective configuration (secrets masked).
    case configRead = "config.read"
    /// Read the security audit.
    case auditRead = "audit.read"

    /// Parses a permission's name (`logs.read`).
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    public static func < (lhs: Permission, rhs: Permission) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
