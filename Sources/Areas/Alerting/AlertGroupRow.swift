import Alerting
import LogModel
import ClientPostgres

/// One `alert_groups` row: the machine's state plus what a message shows.
struct AlertGroupRow: Sendable {
    var id: Int64
    var route: String
    var receiver: String
    var fingerprint: String
    var level: String
    var service: String
    var environment: String
    var logger: String
    var errorType: String?
    var message: String
    var stackTrace: String?
    var state: AlertGroupState
    var chatID: Int64?
    var digestPending: Bool
    var acknowledgedBy: String?
    var acknowledgedAt: String?
    /// "Acknowledged by Ann, 10:07", "Silenced by Ann until 11:07": the message's status line.
    var statusNote: String?

    static let columns = """
        id, route, receiver, fingerprint, level, service, environment, logger, error_type, message, stack_trace, phase, count,
        notified_count, first_seen, last_seen, pending_since, critical, message_id, chat_id, message_sent_at, last_notified_at,
        status_changed, digest_pending, acknowledged_by, acknowledged_at, status_note, resolve_requested
        """

    init(_ row: PostgresRow) throws {
        func int64(_ c: String) throws -> Int64? { try row.int(c).map(Int64.init) }
        id = try int64("id") ?? 0
        route = try row.string("route") ?? ""
        receiver = try row.string("receiver") ?? ""
        fingerprint = try row.string("fingerprint") ?? ""
        level = try row.string("level") ?? "error"
        service = try row.string("service") ?? ""
        environment = try row.string("environment") ?? ""
        logger = try row.string("logger") ?? ""
        errorType = try row.string("error_type")
        message = try row.string("message") ?? ""
        stackTrace = try row.string("stack_trace")
        acknowledgedBy = try row.string("acknowledged_by")
        acknowledgedAt = try row.string("acknowledged_at")
        statusNote = try row.string("status_note")
        chatID = try int64("chat_id")
        digestPending = try row.bool("digest_pending") ?? false
        var s = AlertGroupState(
            phase: AlertGroupState.Phase(rawValue: try row.string("phase") ?? "pending") ?? .pending,
            count: try int64("count") ?? 0, notifiedCount: try int64("notified_count") ?? 0,
            firstSeen: try int64("first_seen") ?? 0, lastSeen: try int64("last_seen") ?? 0,
            pendingSince: try int64("pending_since") ?? 0, messageID: try int64("message_id"),
            messageSentAt: try int64("message_sent_at"), lastNotifiedAt: try int64("last_notified_at"),
            critical: try row.bool("critical") ?? false, muted: acknowledgedBy != nil)
        s.statusChanged = try row.bool("status_changed") ?? false
        s.resolveRequested = try row.bool("resolve_requested") ?? false
        state = s
    }

    /// The group as an event, for silence matchers.
    var asEvent: AlertEvent {
        AlertEvent(id: "", timestampMillis: state.lastSeen, level: .init(name: level) ?? .error, service: service,
                   environment: environment, logger: logger, message: message, errorType: errorType)
    }

    /// `firing`, `acknowledged`, `silenced` or `resolved`, as the API shows it.
    func apiState(silenced: Bool) -> String {
        if state.phase == .resolved { return "resolved" }
        if acknowledgedBy != nil { return "acknowledged" }
        if silenced { return "silenced" }
        return "firing"
    }
}
