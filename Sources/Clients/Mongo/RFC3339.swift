/// RFC 3339 timestamps <-> milliseconds since the Unix epoch, without Foundation.
///
/// Why our own: BSON dates are milliseconds, the stored document carries `@timestamp` and
/// `event.ingested` as RFC 3339 strings, and this conversion runs for every stored event.
/// Foundation's `ISO8601DateFormatter` costs ~39 µs per parse here (swift-notes.md); this costs well
/// under one. Fractions beyond milliseconds are truncated (BSON dates hold milliseconds).
public enum RFC3339 {
    /// Parses `YYYY-MM-DD[T|t| ]HH:MM:SS[.fraction][Z|z|±HH:MM|±HHMM]`; no zone means UTC.
    /// Returns nil for anything else (including out-of-range fields such as month 13).
    public static func milliseconds(from text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse(Array($0)) }
    }

    /// Formats as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, always three fraction digits), the form the
    /// stored document uses.
    public static func string(fromMilliseconds ms: Int64) -> String {
        let (secondsTotal, millis) = floorDivMod(ms, 1000)
        let (days, secondOfDay) = floorDivMod(secondsTotal, 86_400)
        let (year, month, day) = civil(fromDays: days)
        let hour = secondOfDay / 3600, minute = (secondOfDay % 3600) / 60, second = secondOfDay % 60
        var out = [UInt8]()
        out.reserveCapacity(24)
        if year < 0 { out.append(UInt8(ascii: "-")) }
        appendDigits(&out, abs(year), width: 4)
        out.append(UInt8(ascii: "-")); appendDigits(&out, month, width: 2)
        out.append(UInt8(ascii: "-")); appendDigits(&out, day, width: 2)
        out.append(UInt8(ascii: "T")); appendDigits(&out, hour, width: 2)
        out.append(UInt8(ascii: ":")); appendDigits(&out, minute, width: 2)
        out.append(UInt8(ascii: ":")); appendDigits(&out, second, width: 2)
        out.append(UInt8(ascii: ".")); appendDigits(&out, millis, width: 3)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Parsing

    private static func parse(_ b: [UInt8]) -> Int64? {
        var p = 0
        func digits(_ n: Int) -> Int64? {
            guard p + n <= b.count else { return nil }
            var v: Int64 = 0
            for i in p..<(p + n) {
                let d = b[i] &- UInt8(ascii: "0")
                guard d <= 9 else { return nil }
                v = v * 10 + Int64(d)
            }
            p += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard p < b.count, b[p] == c else { return false }
            p += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
              let day = digits(2) else { return nil }
        guard p < b.count, b[p] == UInt8(ascii: "T") || b[p] == UInt8(ascii: "t") || b[p] == UInt8(ascii: " ") else {
            return nil
        }
        p += 1
        guard let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
              let second = digits(2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        var millis: Int64 = 0
        if p < b.count, b[p] == UInt8(ascii: ".") || b[p] == UInt8(ascii: ",") {
            p += 1
            var count = 0
            while p < b.count, b[p] >= UInt8(ascii: "0"), b[p] <= UInt8(ascii: "9") {
                if count < 3 { millis = millis * 10 + Int64(b[p] - UInt8(ascii: "0")) }
                count += 1
                p += 1
            }
            guard count > 0 else { return nil }
            if count < 3 { for _ in count..<3 { millis *= 10 } }
        }
        var offsetSeconds: Int64 = 0
        if p < b.count {
            switch b[p] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                p += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign: Int64 = b[p] == UInt8(ascii: "-") ? -1 : 1
                p += 1
                guard let oh = digits(2) else { return nil }
                _ = expect(UInt8(ascii: ":"))
                guard let om = digits(2), oh <= 23, om <= 59 else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
            default:
                return nil
            }
        }
        guard p == b.count else { return nil }
        // A leap second (":60") is stored as the last millisecond-aligned second before it.
        let clampedSecond = min(second, 59)
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + clampedSecond - offsetSeconds
        return seconds * 1000 + millis
    }

    private static func isLeap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, exact for all Int64 years we meet).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDivMod(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        var q = a / b, r = a % b
        if r < 0 { q -= 1; r += b }
        return (q, r)
    }

    private static func appendDigits(_ out: inout [UInt8], _ value: Int64, width: Int) {
        var digits = [UInt8]()
        var v = value
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(v % 10))
            v /= 10
        } while v > 0
        for _ in digits.count..<max(width, digits.count) { out.append(UInt8(ascii: "0")) }
        out.append(contentsOf: digits.reversed())
    }
}
