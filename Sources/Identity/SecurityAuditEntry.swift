import Foundation

/// One row of the security audit.
public struct SecurityAuditEntry: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var at: Date
    public var actorUserID: Int64?
    /// E-mail, `cli`, `anonymous` or `system`.
    public var actor: String
    /// The stored action; `knownAction` parses it (a newer build may have written one this build does not know).
    public var action: String
    /// What was acted on: an e-mail, a token prefix, a session id.
    public var target: String
    public var clientIP: String
    public var userAgent: String
    public var details: [String: String]

    public init(id: Int64, at: Date, actorUserID: Int64?, actor: String, action: String, target: String,
                clientIP: String, userAgent: String, details: [String: String]) {
        self.id = id
        self.at = at
        self.actorUserID = actorUserID
        self.actor = actor
        self.action = action
        self.target = target
        self.clientIP = clientIP
        self.userAgent = userAgent
        self.details = details
    }

    public var knownAction: SecurityAuditAction? { SecurityAuditAction(rawValue: action) }
}
