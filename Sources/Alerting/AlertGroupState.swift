/// What is known of one alert group, as stored in PostgreSQL (`alert_groups`) and fed to
/// `AlertGroupMachine`. Times are Unix milliseconds.
public struct AlertGroupState: Sendable, Equatable {
    public enum Phase: String, Sendable, Equatable {
        /// Events arrived; the first message (or the return of an old one) is waiting for `group_wait`.
        case pending
        /// A message shows the group; it is edited as the count grows.
        case firing
        /// Quiet for `resolve_after`; the message says so.
        case resolved
    }

    public var phase: Phase
    public var count: Int64
    /// The count the last message or edit showed.
    public var notifiedCount: Int64
    public var firstSeen: Int64
    public var lastSeen: Int64
    /// When the current episode began (the first event, or the first after a resolution).
    public var pendingSince: Int64
    /// The group's Telegram message, once sent; nil when it went into a digest or was never sent.
    public var messageID: Int64?
    /// When the last new message (or digest line) for the group went out.
    public var messageSentAt: Int64?
    /// When the last send or edit went out.
    public var lastNotifiedAt: Int64?
    /// Whether the episode has an event at critical or above (group_wait 0 by default).
    public var critical: Bool
    /// Acknowledged or silenced: counted and stored, never notified.
    public var muted: Bool
    /// The message's status line changed (acknowledged): edit it now, whatever the interval.
    public var statusChanged: Bool = false
    /// An absence rule's events came back: resolve now, whatever `resolve_after` says.
    public var resolveRequested: Bool = false

    public init(phase: Phase = .pending, count: Int64 = 0, notifiedCount: Int64 = 0, firstSeen: Int64, lastSeen: Int64,
                pendingSince: Int64, messageID: Int64? = nil, messageSentAt: Int64? = nil, lastNotifiedAt: Int64? = nil,
                critical: Bool = false, muted: Bool = false) {
        self.phase = phase
        self.count = count
        self.notifiedCount = notifiedCount
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.pendingSince = pendingSince
        self.messageID = messageID
        self.messageSentAt = messageSentAt
        self.lastNotifiedAt = lastNotifiedAt
        self.critical = critical
        self.muted = muted
    }

    /// A new group made of `count` events seen between `first` and `last`.
    public static func new(count: Int64, first: Int64, last: Int64, critical: Bool) -> AlertGroupState {
        AlertGroupState(count: count, firstSeen: first, lastSeen: last, pendingSince: first, critical: critical)
    }
}
