extension AlertGroupMachine {
    /// Whether carrying out `action` on a group that was in `before` notifies its episode for the first
    /// time: the group was pending (a new group, or one that fired again after its resolution) and a
    /// message goes out — a new one, or the old one edited back within `repeat_interval`. A repeat
    /// `sendNew` of a firing group (past `repeat_interval`), edits and resolutions are not: the
    /// notification-delay metric samples only this, so its numbers mean "first event read → first request".
    public static func notifiesEpisodeFirst(_ before: AlertGroupState, _ action: Action) -> Bool {
        before.phase == .pending && !before.muted && (action == .sendNew || action == .edit)
    }
}
