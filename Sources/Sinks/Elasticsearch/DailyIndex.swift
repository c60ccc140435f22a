import LogModel

/// Daily index names `<prefix>-YYYY.MM.DD` (UTC), from an event's `@timestamp` and back.
///
/// The index is a pure function of the timestamp so a retried event always lands in the same index,
/// where `create` with the same `_id` answers 409 instead of storing a duplicate.
enum DailyIndex {
    static let millisPerDay: Int64 = 86_400_000

    static func name(prefix: String, timestampMillis: Int64) -> String {
        name(prefix: prefix, day: floorDiv(timestampMillis, millisPerDay))
    }

    static func name(prefix: String, day: Int64) -> String {
        let (year, month, dayOfMonth) = CivilDate.fromDays(day)
        return "\(prefix)-\(pad(year, 4)).\(pad(month, 2)).\(pad(dayOfMonth, 2))"
    }

    /// The day number (days since 1970-01-01) of an index named exactly `<prefix>-YYYY.MM.DD`, else nil.
    static func day(ofIndex index: String, prefix: String) -> Int64? {
        let start = prefix + "-"
        guard index.hasPrefix(start) else { return nil }
        let date = Array(index.utf8.dropFirst(start.utf8.count))
        guard date.count == 10, date[4] == UInt8(ascii: "."), date[7] == UInt8(ascii: ".") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in date[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let dayOfMonth = number(8..<10),
              (1...12).contains(month), (1...31).contains(dayOfMonth) else { return nil }
        let days = CivilDate.toDays(year: year, month: month, day: dayOfMonth)
        // Reject impossible dates such as 2026.02.30 (they would not round-trip).
        guard name(prefix: prefix, day: days) == index else { return nil }
        return days
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }


    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
