/// A message with its variable parts replaced by placeholders, so "payment 42 failed for
/// ann@x.io" and "payment 43 failed for bob@y.io" group together: quoted values → `<str>`,
/// e-mails → `<email>`, UUIDs → `<uuid>`, hex (0x…, or 8+ hex digits with a digit) → `<hex>`,
/// digit runs → `<n>`. A hand-written scanner: it runs for every alerting event.
public enum MessageTemplate {
    public static func normalize(_ message: String) -> String {
        let s = Array(message.unicodeScalars.prefix(4096))
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == "\"" || c == "'", i == 0 || !isWordCharacter(s[i - 1]) {
                let limit = min(s.count, i + 512)
                if let close = s[(i + 1)..<limit].firstIndex(of: c) {
                    out.append(contentsOf: "<str>".unicodeScalars)
                    i = close + 1
                    continue
                }
            }
            if isTokenCharacter(c) {
                var j = i
                while j < s.count, isTokenCharacter(s[j]) { j += 1 }
                // A sentence's full stop is not part of the token.
                var end = j
                while end > i + 1, s[end - 1] == "." { end -= 1 }
                out.append(contentsOf: classify(Array(s[i..<end])).unicodeScalars)
                for k in end..<j { out.append(s[k]) }
                i = j
                continue
            }
            out.append(c)
            i += 1
        }
        return String(out)
    }

    static func classify(_ token: [Unicode.Scalar]) -> String {
        if let at = token.firstIndex(of: "@"), at > 0, token[(at + 1)...].contains(".") { return "<email>" }
        if isUUID(token) { return "<uuid>" }
        if token.count > 2, token[0] == "0", token[1] == "x" || token[1] == "X", token[2...].allSatisfy(isHexDigit) { return "<hex>" }
        if token.count >= 8, token.allSatisfy(isHexDigit), token.contains(where: isDigit) { return "<hex>" }
        guard token.contains(where: isDigit) else { return String(String.UnicodeScalarView(token)) }
        var out = String.UnicodeScalarView()
        var inDigits = false
        for c in token {
            if isDigit(c) {
                if !inDigits { out.append(contentsOf: "<n>".unicodeScalars) }
                inDigits = true
            } else {
                inDigits = false
                out.append(c)
            }
        }
        return String(out)
    }

    static func isUUID(_ t: [Unicode.Scalar]) -> Bool {
        guard t.count == 36 else { return false }
        for (i, c) in t.enumerated() {
            if [8, 13, 18, 23].contains(i) { if c != "-" { return false } } else if !isHexDigit(c) { return false }
        }
        return true
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }
    static func isHexDigit(_ c: Unicode.Scalar) -> Bool {
        isDigit(c) || (c.value >= 65 && c.value <= 70) || (c.value >= 97 && c.value <= 102)
    }
    /// ASCII answered from ranges: Unicode's property table look-up was half the evaluator's time (perf).
    static func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 128 { return (v >= 97 && v <= 122) || (v >= 65 && v <= 90) || (v >= 48 && v <= 57) || v == 95 }
        return c.properties.isAlphabetic
    }
    static func isTokenCharacter(_ c: Unicode.Scalar) -> Bool {
        isWordCharacter(c) || c == "-" || c == "." || c == "@" || c == "+"
    }
}
