/// Event times: microseconds since the Unix epoch (UTC), read leniently and written one way.
///
/// Reading (``parse(_:)-(JSONValue)``):
/// - RFC 3339 / ISO 8601 extended format: `2026-11-25T10:05:00.123456Z`, `T`, `t` or a space
///   between date and time, seconds optional, fraction after `.` or `,` (Python's `asctime` writes
///   `2026-11-25 10:05:00,123`) kept to the microsecond (further digits are cut, not rounded),
///   zone `Z`, `+02:00`, `+0200` or `+02`; **no zone means UTC**. A date alone is its midnight UTC.
///   Leap second `:60` is read as the first second of the next minute.
/// - Epoch numbers (JSON numbers, or strings holding only a number), told apart by magnitude:
///   |n| < 1e11 seconds (until year 5138), < 1e14 milliseconds, < 1e17 microseconds, otherwise
///   nanoseconds. A value of one unit read as another lands before 1973 or after 5138, never in a
///   plausible range. Fractions are allowed in every unit (Python's `created` is float seconds).
/// - Anything else, and any time outside years 0001…9999, is `nil`.
///
/// Writing (``format(micros:)``): `2026-11-25T10:05:00.123Z`, UTC, always milliseconds.
public enum Timestamp {
    /// 0001-01-01T00:00:00Z.
    public static let minimumMicros: Int64 = -62_135_596_800_000_000
    /// 9999-12-31T23:59:59.999999Z.
    public static let maximumMicros: Int64 = 253_402_300_799_999_999

    /// Reads a time from a JSON string or number; `nil` if it is neither form above.
    public static func parse(_ value: JSONValue) -> Int64? {
        switch value {
        case .string(let text): return parse(text)
        case .int(let n): return fromEpoch(n)
        case .double(let d): return fromEpoch(d)
        default: return nil
        }
    }

    /// Reads an RFC 3339 / ISO 8601 date-time, or a string holding an epoch number.
    public static func parse(_ text: String) -> Int64? {
        // Native strings lend their bytes in place; `withUTF8` on a copy retained it first.
        if let result = text.utf8.withContiguousStorageIfAvailable({ parseBytes($0) }) { return result }
        return Array(text.utf8).withUnsafeBufferPointer { parseBytes($0) }
    }

    /// ``parse(_:)-(String)`` of a string's UTF-8, in place.
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        parseBytes(bytes)
    }

    /// Epoch seconds, milliseconds, microseconds or nanoseconds by magnitude (see the type).
    public static func fromEpoch(_ n: Int64) -> Int64? {
        let magnitude = n.magnitude
        let micros: Int64
        if magnitude < 100_000_000_000 {
            micros = n * 1_000_000
        } else if magnitude < 100_000_000_000_000 {
            micros = n * 1000
        } else if magnitude < 100_000_000_000_000_000 {
            micros = n
        } else {
            micros = n / 1000
        }
        return inRange(micros)
    }

    /// Epoch seconds, milliseconds, microseconds or nanoseconds by magnitude (see the type).
    public static func fromEpoch(_ d: Double) -> Int64? {
        guard d.isFinite else { return nil }
        let magnitude = abs(d)
        let micros: Double
        if magnitude < 1e11 {
            micros = d * 1e6
        } else if magnitude < 1e14 {
            micros = d * 1e3
        } else if magnitude < 1e17 {
            micros = d
        } else {
            micros = d / 1e3
        }
        guard micros >= Double(minimumMicros), micros <= Double(maximumMicros) else { return nil }
        return inRange(Int64(micros.rounded()))
    }

    /// `2026-11-25T10:05:00.123Z`: UTC with milliseconds (floored). Times outside years
    /// 0001…9999 are clamped to that range so the text is always a valid RFC 3339 date-time.
    public static func format(micros: Int64) -> String {
        String(unsafeUninitializedCapacity: 24) { buffer in
            write(micros: micros, into: buffer)
            return 24
        }
    }

    /// Appends the ``format(micros:)`` text (24 bytes) to `out`.
    public static func format(micros: Int64, into out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            write(micros: micros, into: buffer)
            out.append(contentsOf: UnsafeBufferPointer(buffer))
        }
    }

    // MARK: - Implementation

    private static let microsPerDay: Int64 = 86_400_000_000

    private static func inRange(_ micros: Int64) -> Int64? {
        micros >= minimumMicros && micros <= maximumMicros ? micros : nil
    }

    /// Writes the 24 bytes of ``format(micros:)`` at the start of `buffer`.
    static func write(micros: Int64, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        let clamped = min(max(micros, minimumMicros), maximumMicros)
        var days = clamped / microsPerDay
        var timeOfDay = clamped % microsPerDay
        if timeOfDay < 0 {
            timeOfDay += microsPerDay
            days -= 1
        }
        let (year, month, day) = CivilDate.fromDays(days)
        let millis = Int(timeOfDay / 1000)
        let hour = millis / 3_600_000
        let minute = millis / 60_000 % 60
        let second = millis / 1000 % 60
        let fraction = millis % 1000
        // Two digits at a time from a table (a digit per division by ten cost ~100 instructions a
        // time, written for every event's `@timestamp`).
        let pairs = Self.digitPairs.utf8Start
        func put2(_ value: Int, at offset: Int) {
            buffer[offset] = pairs[2 * value]
            buffer[offset + 1] = pairs[2 * value + 1]
        }
        let fullYear = Int(year)  // 1...9999: clamped above
        put2(fullYear / 100, at: 0)
        put2(fullYear % 100, at: 2)
        buffer[4] = UInt8(ascii: "-")
        put2(Int(month), at: 5)
        buffer[7] = UInt8(ascii: "-")
        put2(Int(day), at: 8)
        buffer[10] = UInt8(ascii: "T")
        put2(hour, at: 11)
        buffer[13] = UInt8(ascii: ":")
        put2(minute, at: 14)
        buffer[16] = UInt8(ascii: ":")
        put2(second, at: 17)
        buffer[19] = UInt8(ascii: ".")
        buffer[20] = UInt8(48 + fraction / 100)
        put2(fraction % 100, at: 21)
        buffer[23] = UInt8(ascii: "Z")
    }

    /// "00" to "99" back to back.
    private static let digitPairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    private static func parseBytes(_ all: UnsafeBufferPointer<UInt8>) -> Int64? {
        var start = 0
        var end = all.count
        while start < end, all[start] == 0x20 || all[start] == 0x09 { start += 1 }
        while end > start, all[end - 1] == 0x20 || all[end - 1] == 0x09 { end -= 1 }
        guard end - start >= 1 else { return nil }
        let bytes = UnsafeBufferPointer(rebasing: all[start..<end])

        // "YYYY-" starts a date; anything else may be an epoch number.
        if bytes.count >= 5, bytes[4] == UInt8(ascii: "-"), (0..<4).allSatisfy({ bytes[$0] &- 48 < 10 }) {
            return parseDateTime(bytes)
        }
        guard let number = try? JSONParser.parse(UnsafeRawBufferPointer(bytes), maxDepth: 0) else { return nil }
        switch number {
        case .int(let n): return fromEpoch(n)
        case .double(let d): return fromEpoch(d)
        default: return nil
        }
    }

    private static func parseDateTime(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        // Inlined: called eight times per time, as a closure it cost as much as the rest.
        @inline(__always) func digits(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var value = 0
            for k in 0..<count {
                let d = b[i + k] &- 48
                guard d < 10 else { return nil }
                value = value * 10 + Int(d)
            }
            i += count
            return value
        }
        @inline(__always) func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }

        guard let year = digits(4), year >= 1, expect(UInt8(ascii: "-")),
            let month = digits(2), expect(UInt8(ascii: "-")), let day = digits(2),
            (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month)
        else { return nil }
        let days = CivilDate.toDays(year: Int64(year), month: Int64(month), day: Int64(day))
        if i == b.count { return days * microsPerDay }

        guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        guard let hour = digits(2), hour < 24, expect(UInt8(ascii: ":")), let minute = digits(2), minute < 60 else {
            return nil
        }
        var second = 0
        var fractionMicros = 0
        if i < b.count, b[i] == UInt8(ascii: ":") {
            i += 1
            guard let s = digits(2), s <= 60 else { return nil }
            second = s
            if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                i += 1
                var scale = 100_000
                let fractionStart = i
                while i < b.count, b[i] &- 48 < 10 {
                    fractionMicros += Int(b[i] &- 48) * scale
                    scale /= 10
                    i += 1
                }
                guard i > fractionStart else { return nil }
            }
        }

        var offsetSeconds = 0
        if i < b.count {
            switch b[i] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                i += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let offsetHours = digits(2), offsetHours < 24 else { return nil }
                var offsetMinutes = 0
                if i < b.count {
                    _ = expect(UInt8(ascii: ":"))
                    guard let m = digits(2), m < 60 else { return nil }
                    offsetMinutes = m
                }
                offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
            default:
                return nil
            }
        }
        guard i == b.count else { return nil }

        let secondsOfDay = Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        return inRange(days * microsPerDay + secondsOfDay * 1_000_000 + Int64(fractionMicros))
    }
}
