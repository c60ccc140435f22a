/// The fixed staff roles. A user holds one or more; what each may do is `permissions`
/// (the matrix is in docs/permissions.md). Roles are fixed in code, not configurable: a reviewer
/// must be able to read who may do what from one table.
public enum Role: String, CaseIterable, Sendable, Codable, Comparable {
    /// Searches and reads logs.
    case support
    /// Support, plus alerts and silences.
    case oncall
    /// Runs operations on shops (and reads the logs those operations leave).
    case manager
    /// Manager, plus approving operations that need a second person.
    case seniorManager = "senior_manager"
    /// Everything: users, tokens, dead letters, configuration, the security audit.
    case admin

    /// The permissions this role grants, and nothing else.
    public var permissions: Set<Permission> {
        switch self {
        case .support: [.logsRead]
        case .oncall: [.logsRead, .alertsManage, .silencesManage]
        // Managers must see the logs of the operations they run, so they read logs too.
        case .manager: [.logsRead, .operationsRun]
        case .seniorManager: [.logsRead, .operationsRun, .operationsApprove]
        case .admin: Set(Permission.allCases)
        }
    }

    /// Parses `support`, `oncall`, `manager`, `senior_manager` or `admin` (case-insensitive;
    /// `senior-manager` is accepted too, as people type it on a command line).
    public init?(name: String) {
        let text = String(name.lowercased().map { $0 == "-" ? "_" : $0 })
        guard let role = Role(rawValue: text) else { return nil }
        self = role
    }

    /// Declaration order: least to most powerful, for stable lists.
    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

extension Set where Element == Role {
    /// The union of the roles' permissions.
    public var permissions: Set<Permission> {
        reduce(into: []) { $0.formUnion($1.permissions) }
    }

    /// True when at least one of the roles grants `permission`.
    public func allows(_ permission: Permission) -> Bool {
        contains { $0.permissions.contains(permission) }
    }

    /// The roles' raw names, least to most powerful (`support,admin`).
    var storedForm: String { sorted().map(\.rawValue).joined(separator: ",") }
}
