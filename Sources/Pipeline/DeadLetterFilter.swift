import Foundation

/// Which dead letters a list, replay or discard applies to. Every field is optional; `state` is
/// `pending` unless asked otherwise (replay and discard act on pending letters only).
public struct DeadLetterFilter: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        /// Neither replayed nor discarded: what needs a decision.
        case pending
        case replayed
        case discarded
        case all
    }

    public static let maximumLimit = 1000

    public var sink: String?
    /// The event's `service.name`, exactly.
    public var service: String?
    /// Part of the store's answer, case-insensitive.
    public var reason: String?
    /// Dead-lettered at or after.
    public var since: Date?
    /// Dead-lettered before.
    public var until: Date?
    public var state: State
    /// Older than this id (paging).
    public var beforeID: Int64?
    public var limit: Int

    public init(sink: String? = nil, service: String? = nil, reason: String? = nil, since: Date? = nil, until: Date? = nil,
                state: State = .pending, beforeID: Int64? = nil, limit: Int = 100) {
        self.sink = sink
        self.service = service
        self.reason = reason
        self.since = since
        self.until = until
        self.state = state
        self.beforeID = beforeID
        self.limit = limit
    }

    /// The WHERE clause over `dead_letters` and its parameters, numbered from `$first`.
    func sql(first: Int = 1) -> (clause: String, parameters: [String?]) {
        var conditions: [String] = []
        var parameters: [String?] = []
        func add(_ condition: (String) -> String, _ value: String) {
            parameters.append(value)
            conditions.append(condition("$\(first + parameters.count - 1)"))
        }
        if let sink { add({ "sink = \($0)" }, sink) }
        if let service { add({ "service = \($0)" }, service) }
        if let reason {
            // A substring, not a pattern: the user's % and _ are literal.
            let literal = reason.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            add({ "reason ILIKE '%' || \($0) || '%'" }, literal)
        }
        if let since { add({ "created_at >= to_timestamp(\($0)::float8)" }, String(since.timeIntervalSince1970)) }
        if let until { add({ "created_at < to_timestamp(\($0)::float8)" }, String(until.timeIntervalSince1970)) }
        if let beforeID { add({ "id < \($0)::bigint" }, String(beforeID)) }
        switch state {
        case .pending: conditions.append("replayed_at IS NULL AND discarded_at IS NULL")
        case .replayed: conditions.append("replayed_at IS NOT NULL")
        case .discarded: conditions.append("discarded_at IS NOT NULL")
        case .all: break
        }
        return (conditions.isEmpty ? "TRUE" : conditions.joined(separator: " AND "), parameters)
    }
}
