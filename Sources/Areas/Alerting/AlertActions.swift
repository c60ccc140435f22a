import Alerting
import ClientPostgres
import Foundation
import HubKit
import Identity

/// What staff do to alerts, from the API, the page or a Telegram button: acknowledge a group, silence
/// it. Each is recorded in the security audit with its actor, and the group's message gets a status
/// line ("Acknowledged by Ann, 10:07") through the dispatcher.
struct AlertActions: Sendable {
    let store: AlertStore
    let silences: SilenceStore
    let identity: IdentityServices

    enum Failure: Error, Equatable {
        case unknownAlert
        case resolved
    }

    static func displayName(_ user: StaffUser) -> String { user.displayName.isEmpty ? user.email : user.displayName }

    static func clock(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d UTC", c.hour ?? 0, c.minute ?? 0)
    }

    func acknowledge(_ id: Int64, by user: StaffUser, context: AuditContext) async throws -> AlertGroupRow {
        let name = Self.displayName(user)
        let rows = try await store.database.query("""
            UPDATE alert_groups SET acknowledged_by = $2, acknowledged_at = now(), status_note = $3,
                status_changed = (message_id IS NOT NULL), next_check = $4
            WHERE id = $1 AND phase <> 'resolved' RETURNING id
            """, [String(id), name, "Acknowledged by \(name), \(Self.clock(Date()))", String(AlertEvaluator.now())])
        guard !rows.isEmpty else { throw try await missing(id) }
        try await identity.audit.record(.alertAcknowledged, context: context, target: "alert:\(id)")
        return try await group(id)
    }

    /// A silence for the group's service, environment and error type, for `seconds`.
    func silence(_ id: Int64, seconds: Int64, by user: StaffUser, context: AuditContext) async throws -> Silence {
        let g = try await group(id)
        var matchers = [try RouteMatcher.parse("service=\(g.service)").get(), try RouteMatcher.parse("environment=\(g.environment)").get()]
        if let type = g.errorType, !type.isEmpty, let m = try? RouteMatcher.parse("error.type=\(type)").get() { matchers.append(m) }
        let silence = try await silences.create(matchers: matchers, durationMillis: seconds * 1000, comment: "from alert \(id)", createdBy: user.email)
        try await identity.audit.record(.silenceCreated, context: context, target: "silence:\(silence.id)",
                                        details: ["matchers": matchers.map(\.description).joined(separator: ", "), "ends_at": silence.endsAt,
                                                  "alert": String(id)])
        let until = Self.clock(Date().addingTimeInterval(Double(seconds)))
        _ = try await store.database.execute(
            "UPDATE alert_groups SET status_note = $2, status_changed = (message_id IS NOT NULL), next_check = $3 WHERE id = $1",
            [String(id), "Silenced by \(Self.displayName(user)) until \(until)", String(AlertEvaluator.now())])
        return silence
    }

    func group(_ id: Int64) async throws -> AlertGroupRow {
        let rows = try await store.database.query("SELECT \(AlertGroupRow.columns) FROM alert_groups WHERE id = $1", [String(id)])
        guard let row = rows.first else { throw Failure.unknownAlert }
        return try AlertGroupRow(row)
    }

    private func missing(_ id: Int64) async throws -> Failure {
        let exists = try await store.database.query("SELECT 1 FROM alert_groups WHERE id = $1", [String(id)])
        return exists.isEmpty ? .unknownAlert : .resolved
    }
}
