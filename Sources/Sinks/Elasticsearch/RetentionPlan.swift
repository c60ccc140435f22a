/// Which daily indices retention removes: those named exactly `<prefix>-YYYY.MM.DD` whose whole day lies
/// more than `retentionDays` days in the past. Anything else matching the wildcard (other naming,
/// rollover suffixes, someone's manual copy) is left alone.
enum RetentionPlan {
    static func indicesToDelete(_ indices: [String], prefix: String, retentionDays: Int, nowMillis: Int64) -> [String] {
        let retentionMillis = Int64(retentionDays) * DailyIndex.millisPerDay
        return indices.filter { index in
            guard let day = DailyIndex.day(ofIndex: index, prefix: prefix) else { return false }
            // The newest event an index can hold is from the end of its day; keep it until that is too old.
            let endOfDayMillis = (day + 1) * DailyIndex.millisPerDay
            return endOfDayMillis + retentionMillis <= nowMillis
        }.sorted()
    }
}
