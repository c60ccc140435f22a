/// Durations as the configuration writes them: `10s`, `1m`, `4h`, `1h30m`, `500ms`, `2d`, `0s`, or a
/// bare number of seconds. Milliseconds, because the grouping state machine counts in them.
public enum AlertDuration {
    public static func milliseconds(_ text: String) -> Int64? {
        let t = text.trimmingCharactersInSpaces()
        guard !t.isEmpty else { return nil }
        if let seconds = Int64(t), seconds >= 0 { return seconds * 1000 }
        var total: Int64 = 0
        var number: Int64?
        var chars = Array(t.unicodeScalars)
        chars.append(" ")
        var i = 0
        while i < chars.count - 1 {
            let c = chars[i]
            if c.value >= 48, c.value <= 57 {
                number = (number ?? 0) * 10 + Int64(c.value - 48)
                if number! > 1_000_000_000 { return nil }
                i += 1
                continue
            }
            guard let n = number else { return nil }
            let unit: Int64
            switch (c, chars[i + 1]) {
            case ("m", "s"): unit = 1; i += 1
            case ("s", _): unit = 1000
            case ("m", _): unit = 60_000
            case ("h", _): unit = 3_600_000
            case ("d", _): unit = 86_400_000
            default: return nil
            }
            total += n * unit
            number = nil
            i += 1
        }
        return number == nil ? total : nil
    }

    /// `90000` → `1m30s`, for the API and the page.
    public static func describe(_ ms: Int64) -> String {
        if ms == 0 { return "0s" }
        if ms % 1000 != 0 { return "\(ms)ms" }
        var s = ms / 1000
        var out = ""
        for (unit, size) in [("d", Int64(86400)), ("h", 3600), ("m", 60), ("s", 1)] where s >= size {
            out += "\(s / size)\(unit)"
            s %= size
        }
        return out
    }
}

extension String {
    func trimmingCharactersInSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
