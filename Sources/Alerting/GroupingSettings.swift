/// How a route's alerts are grouped and how often a group notifies (Alertmanager's names and
/// meaning). Milliseconds.
public struct GroupingSettings: Sendable, Equatable {
    /// Fields whose values make up the group key; `fingerprint` = the event's fingerprint.
    public var groupBy: [String]
    /// Wait before the first message of a new group (collects a burst into it).
    public var groupWait: Int64
    /// The same for events at critical and above: at once by default.
    public var criticalGroupWait: Int64
    /// The least time between two edits of a group's message.
    public var groupInterval: Int64
    /// No new message for a group (instead of edits) before this long after its last one.
    public var repeatInterval: Int64
    /// A group that stays quiet this long is resolved.
    public var resolveAfter: Int64

    /// The documented defaults: 10 s (0 s for critical), 1 min, 4 h, 15 min, grouped by fingerprint.
    public static let defaults = GroupingSettings(
        groupBy: ["fingerprint"], groupWait: 10_000, criticalGroupWait: 0, groupInterval: 60_000,
        repeatInterval: 4 * 3_600_000, resolveAfter: 15 * 60_000)

    public init(groupBy: [String], groupWait: Int64, criticalGroupWait: Int64, groupInterval: Int64, repeatInterval: Int64, resolveAfter: Int64) {
        self.groupBy = groupBy
        self.groupWait = groupWait
        self.criticalGroupWait = criticalGroupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
        self.resolveAfter = resolveAfter
    }
}
