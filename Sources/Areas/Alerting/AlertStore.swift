import Alerting
import LogModel
import ClientPostgres
import Foundation

/// Alerting's PostgreSQL state: groups, the notification log, silences, receiver state, counters.
/// Every decision that must be taken once across hub nodes goes through a row lock here.
struct AlertStore: Sendable {
    let database: PostgresClient

    /// Events of one group seen in one spool batch.
    struct GroupDelta: Sendable {
        var key: String
        var route: AlertRoute
        var fingerprint: String
        var sample: AlertEvent
        var count: Int64
        var first: Int64
        var last: Int64
        var critical: Bool
    }

    /// Adds a batch's events to their groups (creating them), and marks them due for a look.
    func record(_ delta: GroupDelta, now: Int64) async throws {
        let e = delta.sample
        let inserted = try await database.query("""
            INSERT INTO alert_groups (group_key, route, receiver, fingerprint, level, service, environment, logger, error_type, message,
                                      stack_trace, count, first_seen, last_seen, pending_since, critical, next_check)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13, $15, $16)
            ON CONFLICT (group_key) DO NOTHING RETURNING id
            """, [delta.key, delta.route.path, delta.route.receiver, delta.fingerprint, e.level.name, e.service, e.environment, e.logger,
                  e.errorType, String(e.errorType != nil ? (e.errorMessage ?? e.message).prefix(4000) : e.message.prefix(4000)),
                  e.stackTrace.map { String($0.suffix(20_000)) }, String(delta.count), String(delta.first), String(delta.last),
                  delta.critical ? "true" : "false", String(now)])
        if let row = inserted.first, let id = try row.int("id") {
            try await countMinute(Int64(id), delta)
            return
        }
        let groupID: Int64? = try await database.transaction { c in
            let rows = try await c.query("SELECT \(AlertGroupRow.columns) FROM alert_groups WHERE group_key = $1 FOR UPDATE", [delta.key])
            guard let row = rows.first else { return nil }
            let group = try AlertGroupRow(row)
            let wasResolved = group.state.phase == .resolved
            let next = AlertGroupMachine.observe(group.state, count: delta.count, at: delta.last, critical: delta.critical)
            // A group that fires again starts a new episode: its acknowledgement ends, the newest text shows.
            try await c.execute("""
                UPDATE alert_groups SET count = $2, last_seen = $3, phase = $4, pending_since = $5, critical = $6,
                    level = CASE WHEN $7 THEN $8 ELSE level END, message = CASE WHEN $7 THEN $9 ELSE message END,
                    stack_trace = CASE WHEN $7 THEN $10 ELSE stack_trace END,
                    acknowledged_by = CASE WHEN $7 THEN NULL ELSE acknowledged_by END,
                    acknowledged_at = CASE WHEN $7 THEN NULL ELSE acknowledged_at END,
                    status_note = CASE WHEN $7 THEN NULL ELSE status_note END,
                    resolve_requested = CASE WHEN $7 THEN false ELSE resolve_requested END,
                    next_check = LEAST(COALESCE(next_check, $11), $11)
                WHERE id = $1
                """, [String(group.id), String(next.count), String(next.lastSeen), next.phase.rawValue, String(next.pendingSince),
                      next.critical ? "true" : "false", wasResolved ? "true" : "false", e.level.name,
                      String(e.errorType != nil ? (e.errorMessage ?? e.message).prefix(4000) : e.message.prefix(4000)),
                      e.stackTrace.map { String($0.suffix(20_000)) }, String(now)])
            return group.id
        }
        if let groupID { try await countMinute(groupID, delta) }
    }

    /// Events per group and minute, for the sparklines (kept for a day).
    func countMinute(_ groupID: Int64, _ delta: GroupDelta) async throws {
        try await database.execute("""
            INSERT INTO alert_group_minutes (group_id, minute, count) VALUES ($1, $2, $3)
            ON CONFLICT (group_id, minute) DO UPDATE SET count = alert_group_minutes.count + EXCLUDED.count
            """, [String(groupID), String(delta.last / 60_000), String(delta.count)])
    }

    /// The last hour's per-minute counts of `groups`, oldest first (60 values each).
    func sparklines(_ groups: [Int64], now: Int64) async throws -> [Int64: [Int64]] {
        guard !groups.isEmpty else { return [:] }
        let current = now / 60_000
        _ = try? await database.execute("DELETE FROM alert_group_minutes WHERE minute < $1", [String(current - 24 * 60)])
        let rows = try await database.query(
            "SELECT group_id, minute, count FROM alert_group_minutes WHERE group_id = ANY($1::bigint[]) AND minute > $2",
            ["{" + groups.map(String.init).joined(separator: ",") + "}", String(current - 60)])
        var out: [Int64: [Int64]] = [:]
        for row in rows {
            let id = Int64(try row.int("group_id") ?? 0), minute = Int64(try row.int("minute") ?? 0)
            var series = out[id] ?? Array(repeating: 0, count: 60)
            let index = Int(minute - (current - 59))
            if (0..<60).contains(index) { series[index] += Int64(try row.int("count") ?? 0) }
            out[id] = series
        }
        return out
    }

    /// Writes a group's new state, when to look again, and (optionally) its message and chat.
    func save(_ id: Int64, _ s: AlertGroupState, nextCheck: Int64?, chatID: Int64?, digestPending: Bool? = nil, on c: PostgresConnection) async throws {
        try await c.execute("""
            UPDATE alert_groups SET phase = $2, notified_count = $3, message_id = $4, message_sent_at = $5, last_notified_at = $6,
                next_check = $7, chat_id = COALESCE($8, chat_id), status_changed = $9, digest_pending = COALESCE($10, digest_pending),
                acknowledged_by = CASE WHEN $2 = 'resolved' THEN NULL ELSE acknowledged_by END,
                status_note = CASE WHEN $2 = 'resolved' THEN NULL ELSE status_note END,
                pending_since = $11, resolve_requested = $12
            WHERE id = $1
            """, [String(id), s.phase.rawValue, String(s.notifiedCount), s.messageID.map(String.init), s.messageSentAt.map(String.init),
                  s.lastNotifiedAt.map(String.init), nextCheck.map(String.init), chatID.map(String.init), s.statusChanged ? "true" : "false",
                  digestPending.map { $0 ? "true" : "false" }, String(s.pendingSince), s.resolveRequested ? "true" : "false"])
    }

    func log(groupID: Int64?, receiver: String, chatID: Int64?, kind: String, messageID: Int64?, outcome: String, detail: String?) async {
        _ = try? await database.execute(
            "INSERT INTO alert_notifications (group_id, receiver, chat_id, kind, message_id, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [groupID.map(String.init), receiver, chatID.map(String.init), kind, messageID.map(String.init), outcome, detail.map { String($0.prefix(2000)) }])
    }

    /// New messages (and digests) sent to `chat` in the last minute, from every node.
    func newMessagesLastMinute(chat: Int64) async throws -> Int {
        let rows = try await database.query(
            "SELECT count(*) AS n FROM alert_notifications WHERE chat_id = $1 AND kind IN ('send', 'digest') AND outcome = 'sent' AND at > now() - interval '1 minute'",
            [String(chat)])
        return try rows.first?.int("n") ?? 0
    }

    func increment(receiver: String, _ name: String, by n: Int64 = 1) async {
        _ = try? await database.execute("""
            INSERT INTO alert_counters (receiver, name, value) VALUES ($1, $2, $3)
            ON CONFLICT (receiver, name) DO UPDATE SET value = alert_counters.value + EXCLUDED.value
            """, [receiver, name, String(n)])
    }

    func counters() async throws -> [(receiver: String, name: String, value: Int64)] {
        try await database.query("SELECT receiver, name, value FROM alert_counters ORDER BY receiver, name", []).map { row in
            (try row.string("receiver") ?? "", try row.string("name") ?? "", Int64(try row.int("value") ?? 0))
        }
    }

    // MARK: Threshold rules

    /// Adds `added` events to a threshold rule's window (every node adds to the same row) and returns
    /// the count before this addition, so exactly one addition over all nodes sees it cross.
    func addToWindow(rule: String, key: String, windowStart: Int64, added: Int64) async throws -> Int64 {
        let rows = try await database.query("""
            INSERT INTO alert_rule_windows AS w (rule, key, window_start, count) VALUES ($1, $2, $3::bigint, $4::bigint)
            ON CONFLICT (rule, key, window_start) DO UPDATE SET count = w.count + EXCLUDED.count
            RETURNING count
            """, [rule, key, String(windowStart), String(added)])
        return Int64(try rows.first?.int("count") ?? Int(added)) - added
    }

    // MARK: Absence rules

    /// Records that `rule` saw `key` at `at`; true when its absence alert was firing (the events are back).
    func heartbeat(rule: String, key: String, service: String, environment: String, at: Int64) async throws -> Bool {
        let rows = try await database.query("""
            INSERT INTO alert_heartbeats AS h (rule, key, service, environment, last_seen) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (rule, key) DO UPDATE SET last_seen = GREATEST(h.last_seen, EXCLUDED.last_seen), firing = false
            RETURNING (SELECT firing FROM alert_heartbeats WHERE rule = $1 AND key = $2) AS was_firing
            """, [rule, key, service, environment, String(at)])
        return try rows.first?.bool("was_firing") ?? false
    }

    /// Keys of `rule` quiet since before `quietSince`, marked firing (once: the row is claimed atomically).
    func claimQuiet(rule: String, quietSince: Int64) async throws -> [(key: String, service: String, environment: String, lastSeen: Int64)] {
        try await database.query("""
            UPDATE alert_heartbeats SET firing = true WHERE rule = $1 AND NOT firing AND last_seen < $2
            RETURNING key, service, environment, last_seen
            """, [rule, String(quietSince)]).map { row in
            (try row.string("key") ?? "", try row.string("service") ?? "", try row.string("environment") ?? "", Int64(try row.int("last_seen") ?? 0))
        }
    }

    func requestResolve(groupKey: String, now: Int64) async throws {
        try await database.execute(
            "UPDATE alert_groups SET resolve_requested = true, next_check = $2 WHERE group_key = $1 AND phase <> 'resolved'", [groupKey, String(now)])
    }

    // MARK: Receiver state (migrated chats, disabled receivers)

    struct ReceiverState: Sendable {
        var chatID: Int64?
        var disabledReason: String?
        var lastDigest: Int64?
    }

    func receiverState(_ receiver: String) async throws -> ReceiverState {
        let rows = try await database.query("SELECT chat_id, reason, disabled_at, last_digest FROM alert_receiver_state WHERE receiver = $1", [receiver])
        guard let row = rows.first else { return ReceiverState() }
        return ReceiverState(chatID: try row.int("chat_id").map(Int64.init),
                             disabledReason: try row.string("disabled_at") == nil ? nil : (try row.string("reason") ?? "disabled"),
                             lastDigest: try row.int("last_digest").map(Int64.init))
    }

    func rememberChat(_ receiver: String, chatID: Int64) async throws {
        try await database.execute("""
            INSERT INTO alert_receiver_state (receiver, chat_id) VALUES ($1, $2)
            ON CONFLICT (receiver) DO UPDATE SET chat_id = EXCLUDED.chat_id
            """, [receiver, String(chatID)])
    }

    func disable(_ receiver: String, reason: String) async throws {
        try await database.execute("""
            INSERT INTO alert_receiver_state (receiver, disabled_at, reason) VALUES ($1, now(), $2)
            ON CONFLICT (receiver) DO UPDATE SET disabled_at = now(), reason = EXCLUDED.reason
            """, [receiver, reason])
    }

    func setLastDigest(_ receiver: String, at: Int64, on c: PostgresConnection) async throws {
        try await c.execute("""
            INSERT INTO alert_receiver_state (receiver, last_digest) VALUES ($1, $2)
            ON CONFLICT (receiver) DO UPDATE SET last_digest = EXCLUDED.last_digest
            """, [receiver, String(at)])
    }

    func deadLetter(receiver: String, eventID: String, status: Int, answer: String) async {
        _ = try? await database.execute("INSERT INTO alert_dead_letters (receiver, event_id, status, answer) VALUES ($1, $2, $3, $4)",
                                        [receiver, eventID, String(status), String(answer.prefix(4000))])
    }
}
