/// One page of the security audit, newest first.
public struct SecurityAuditPage: Sendable, Equatable {
    public var entries: [SecurityAuditEntry]
    /// The `beforeID` of the next (older) page; nil on the last page.
    public var nextBeforeID: Int64?
}
