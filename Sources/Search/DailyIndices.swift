public import LogModel

/// The daily indices (`<prefix>-YYYY.MM.DD`, UTC; Sources/Sinks/Elasticsearch) a time range touches,
/// so a 15-minute search reads one index instead of every `<prefix>-*`.
public enum DailyIndices {
    /// Above this many days the names would make a long URL for little gain: use the wildcard.
    public static let maximumNamedDays = 62

    /// Comma-separated index names for `[fromMicros, toMicros]`, or `<prefix>-*` for long ranges.
    public static func names(prefix: String, fromMicros: Int64, toMicros: Int64) -> String {
        let dayMicros: Int64 = 86_400_000_000
        let first = floorDiv(fromMicros, dayMicros), last = floorDiv(max(fromMicros, toMicros), dayMicros)
        guard last - first < Int64(maximumNamedDays) else { return prefix + "-*" }
        return (first...last).map { day in prefix + "-" + dayName(day * dayMicros) }.joined(separator: ",")
    }

    /// `YYYY.MM.DD` of the UTC day containing `micros`.
    static func dayName(_ micros: Int64) -> String {
        let iso = Timestamp.format(micros: micros)  // 2026-11-25T…
        return String(iso.prefix(10).map { $0 == "-" ? "." : $0 })
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
