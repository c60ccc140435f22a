import Foundation

/// Which security-audit rows to list: every given condition must hold. Pages go newest first;
/// pass the previous page's `nextBeforeID` as `beforeID` for the next one.
public struct SecurityAuditFilter: Sendable, Equatable {
    public static let maximumLimit = 1000

    /// The actor's name exactly (an e-mail, `cli`, `anonymous`).
    public var actor: String?
    public var actorUserID: Int64?
    /// Any of these actions; empty = all.
    public var actions: Set<SecurityAuditAction>
    /// The target exactly (e.g. the e-mail of the account acted on).
    public var target: String?
    /// At or after.
    public var since: Date?
    /// Before.
    public var until: Date?
    /// Only rows older than this id (the paging cursor).
    public var beforeID: Int64?
    /// Rows per page, 1...1000 (default 100).
    public var limit: Int

    public init(actor: String? = nil, actorUserID: Int64? = nil, actions: Set<SecurityAuditAction> = [], target: String? = nil,
                since: Date? = nil, until: Date? = nil, beforeID: Int64? = nil, limit: Int = 100) {
        self.actor = actor
        self.actorUserID = actorUserID
        self.actions = actions
        self.target = target
        self.since = since
        self.until = until
        self.beforeID = beforeID
        self.limit = limit
    }
}
