/// A message with its variable parts replaced by placeholders, so "payment 42 failed for
/// ann@x.io" and "payment 43 failed for bob@y.io" group together: quoted values → `<str>`,
/// e-mails → `<email>`, UUIDs → `<uuid>`, hex (0x…, or 8+ hex digits with a digit) → `<hex>`,
/// digit runs → `<n>`. A hand-written scanner: it runs for every alerting event.
public enum MessageTemplate {
    public static func normalize(_ message: String) -> String {
        let s = Array(message.unicodeScalars.prefix(4096))
        // Written as UTF-8 bytes: appending scalars to a `String.UnicodeScalarView` one by one was
        // most of the fingerprint's cost (perf, `scripts/bench --with-areas`).
        var out: [UInt8] = []
        out.reserveCapacity(s.count + 16)
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == "\"" || c == "'", i == 0 || !isWordCharacter(s[i - 1]) {
                let limit = min(s.count, i + 512)
                if let close = s[(i + 1)..<limit].firstIndex(of: c) {
                    out.append(contentsOf: "<str>".utf8)
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
                classify(s[i..<end], into: &out)
                for k in end..<j { append(s[k], to: &out) }
                i = j
                continue
            }
            append(c, to: &out)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `token`'s placeholder, or the token itself with its digit runs as `<n>`.
    static func classify(_ token: ArraySlice<Unicode.Scalar>, into out: inout [UInt8]) {
        let placeholder = placeholder(for: token)
        if let placeholder {
            out.append(contentsOf: placeholder.utf8)
            return
        }
        var inDigits = false
        for c in token {
            if isDigit(c) {
                if !inDigits { out.append(contentsOf: "<n>".utf8) }
                inDigits = true
            } else {
                inDigits = false
                append(c, to: &out)
            }
        }
    }

    /// `<email>`, `<uuid>` or `<hex>` when the whole token is one.
    static func placeholder(for token: ArraySlice<Unicode.Scalar>) -> String? {
        if let at = token.firstIndex(of: "@"), at > token.startIndex, token[(at + 1)...].contains(".") { return "<email>" }
        if isUUID(token) { return "<uuid>" }
        let first = token.startIndex
        if token.count > 2, token[first] == "0", token[first + 1] == "x" || token[first + 1] == "X",
           token[(first + 2)...].allSatisfy(isHexDigit) { return "<hex>" }
        if token.count >= 8, token.allSatisfy(isHexDigit), token.contains(where: isDigit) { return "<hex>" }
        return nil
    }

    @inline(__always)
    static func append(_ c: Unicode.Scalar, to out: inout [UInt8]) {
        if c.isASCII { out.append(UInt8(truncatingIfNeeded: c.value)) } else { out.append(contentsOf: UTF8.encode(c)!) }
    }

    static func isUUID(_ t: ArraySlice<Unicode.Scalar>) -> Bool {
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
