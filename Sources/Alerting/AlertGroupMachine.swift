/// The notification rules of one alert group as a pure function of its state, the route's
/// grouping settings and the clock (postgres-nio style: inputs → one action, no I/O), so every rule
/// is table-tested without a network and every hub node decides the same thing from the same row:
///
/// - a new group waits `group_wait` (0 for critical) and then sends one message;
/// - while it fires, the message is edited as the count grows, at most once per `group_interval`;
/// - quiet for `resolve_after` → one "resolved" edit;
/// - it fires again within `repeat_interval` of its message → that message is edited back (no new
///   message); later than that → a new message (after `group_wait`), so the chat hears of it again;
/// - muted (acknowledged or silenced) → state moves on, nothing is sent except the resolution.
public enum AlertGroupMachine {
    public enum Action: String, Sendable, Equatable {
        case none
        /// `sendMessage` (or, past the storm caps, a line in the chat's digest).
        case sendNew
        /// `editMessageText` with the current count.
        case edit
        /// `editMessageText` saying resolved (nothing to send when there is no message).
        case resolve
    }

    public struct Decision: Sendable, Equatable {
        public var action: Action
        /// When to look at the group again if nothing else happens (nil: only a new event wakes it).
        public var nextCheck: Int64?
    }

    /// Events arrived: `count` more, the latest at `at`.
    public static func observe(_ state: AlertGroupState, count: Int64, at: Int64, critical: Bool) -> AlertGroupState {
        var s = state
        s.count += count
        s.lastSeen = max(s.lastSeen, at)
        if s.phase == .resolved {
            s.phase = .pending
            s.pendingSince = at
            s.critical = critical
            s.muted = false
            s.resolveRequested = false
        } else {
            s.critical = s.critical || critical
        }
        return s
    }

    public static func decide(_ s: AlertGroupState, settings g: GroupingSettings, now: Int64) -> Decision {
        let resolveAt = s.lastSeen + g.resolveAfter
        switch s.phase {
        case .resolved:
            return Decision(action: .none, nextCheck: nil)
        case .pending:
            if now >= resolveAt || s.resolveRequested { return Decision(action: .resolve, nextCheck: nil) }
            if s.muted { return Decision(action: .none, nextCheck: resolveAt) }
            let recent = s.messageSentAt.map { now - $0 < g.repeatInterval } ?? false
            if recent {
                // Still inside repeat_interval of the last message: bring that one back by editing it.
                let due = (s.lastNotifiedAt ?? 0) + g.groupInterval
                return now >= due ? Decision(action: .edit, nextCheck: resolveAt) : Decision(action: .none, nextCheck: min(due, resolveAt))
            }
            let due = s.pendingSince + (s.critical ? g.criticalGroupWait : g.groupWait)
            return now >= due ? Decision(action: .sendNew, nextCheck: resolveAt) : Decision(action: .none, nextCheck: due)
        case .firing:
            if now >= resolveAt || s.resolveRequested { return Decision(action: .resolve, nextCheck: nil) }
            if s.statusChanged, s.messageID != nil { return Decision(action: .edit, nextCheck: resolveAt) }
            guard !s.muted, s.count > s.notifiedCount else { return Decision(action: .none, nextCheck: resolveAt) }
            if let sent = s.messageSentAt, now - sent >= g.repeatInterval { return Decision(action: .sendNew, nextCheck: resolveAt) }
            let due = (s.lastNotifiedAt ?? 0) + g.groupInterval
            return now >= due ? Decision(action: .edit, nextCheck: resolveAt) : Decision(action: .none, nextCheck: min(due, resolveAt))
        }
    }

    /// The state after `action` was carried out at `now` (`messageID`: the new message's id, for `sendNew`).
    public static func applied(_ state: AlertGroupState, _ action: Action, now: Int64, messageID: Int64?) -> AlertGroupState {
        var s = state
        if action != .none { s.statusChanged = false }
        switch action {
        case .none:
            break
        case .sendNew:
            s.phase = .firing
            s.messageID = messageID
            s.messageSentAt = now
            s.lastNotifiedAt = now
            s.notifiedCount = s.count
        case .edit:
            s.phase = .firing
            s.lastNotifiedAt = now
            s.notifiedCount = s.count
        case .resolve:
            s.phase = .resolved
            s.lastNotifiedAt = now
            s.notifiedCount = s.count
            s.muted = false
            s.resolveRequested = false
        }
        return s
    }
}
