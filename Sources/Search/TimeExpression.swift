public import LogModel

/// A point in time as a query or the API writes it: RFC 3339 (`2026-11-25T10:05:00Z`, a date alone
/// means its midnight UTC) or relative to now (`now`, `now-15m`, `now-24h`, `now-7d`; units s, m,
/// h, d, w). Resolved against one `now` per request, so both backends see the same instant.
public enum TimeExpression {
    /// Microseconds since the epoch, or nil when `text` is neither form.
    public static func resolve(_ text: String, nowMicros: Int64) -> Int64? {
        if text == "now" { return nowMicros }
        if text.hasPrefix("now") {
            var rest = Substring(text.dropFirst(3))
            guard let sign = rest.first, sign == "-" || sign == "+" else { return nil }
            rest = rest.dropFirst()
            guard let unit = rest.last, let seconds = unitSeconds(unit) else { return nil }
            let digits = rest.dropLast()
            guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCIIDigit), let n = Int64(digits) else { return nil }
            let delta = n * seconds * 1_000_000
            return sign == "-" ? nowMicros - delta : nowMicros + delta
        }
        if text.count == 10, let micros = Timestamp.parse(text + "T00:00:00Z") { return micros }
        // Timestamp.parse also reads epoch numbers; a query's time must look like a date.
        guard text.contains("-"), text.contains("T") || text.contains("t") else { return nil }
        return Timestamp.parse(text)
    }

    static func unitSeconds(_ unit: Character) -> Int64? {
        switch unit {
        case "s": 1
        case "m": 60
        case "h": 3600
        case "d": 86_400
        case "w": 604_800
        default: nil
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
