/// A message with its variable parts replaced by placeholders, so "payment 42 failed for
/// ann@x.io" and "payment 43 failed for bob@y.io" group together: quoted values → `<str>`,
/// e-mails → `<email>`, UUIDs → `<uuid>`, hex (0x…, or 8+ hex digits with a digit) → `<hex>`,
/// digit runs → `<n>`. A hand-written scanner: it runs for every alerting event.
public enum MessageTemplate {
    public static func normalize(_ message: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(min(message.utf8.count, limit) + 16)
        append(message, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the template of `message` as UTF-8 to `out` (the fingerprint's digest input).
    static func append(_ message: String, to out: inout [UInt8]) {
        // Every character the scanner looks for is ASCII; an ASCII message (most) is scanned as its
        // UTF-8 bytes, without decoding it into an array of scalars (perf, `scripts/bench --with-areas`).
        var message = message
        let ascii = message.withUTF8 { bytes -> Bool in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
            scan(UnsafeBufferPointer(rebasing: bytes.prefix(limit)), into: &out)
            return true
        }
        if !ascii { scan(Array(message.unicodeScalars.prefix(limit)), into: &out) }
    }

    /// At most this many characters are looked at.
    static let limit = 4096

    /// The template of `s` as UTF-8 (written as bytes: appending scalars to a
    /// `String.UnicodeScalarView` one by one was most of the fingerprint's cost).
    static func scan<S: RandomAccessCollection>(_ s: S, into out: inout [UInt8]) where S.Element: TemplateUnit, S.Index == Int {
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i].value
            if c == 0x22 || c == 0x27, i == s.startIndex || !isWordCharacter(s[i - 1].value) {  // " or '
                let limit = min(s.endIndex, i + 512)
                if let close = s[(i + 1)..<limit].firstIndex(where: { $0.value == c }) {
                    out.append(contentsOf: "<str>".utf8)
                    i = close + 1
                    continue
                }
            }
            if isTokenCharacter(c) {
                var j = i
                while j < s.endIndex, isTokenCharacter(s[j].value) { j += 1 }
                // A sentence's full stop is not part of the token.
                var end = j
                while end > i + 1, s[end - 1].value == 0x2E { end -= 1 }
                classify(s[i..<end], into: &out)
                for k in end..<j { s[k].appendUTF8(to: &out) }
                i = j
                continue
            }
            s[i].appendUTF8(to: &out)
            i += 1
        }
    }

    /// Appends `token`'s placeholder, or the token itself with its digit runs as `<n>`.
    static func classify<C: Collection>(_ token: C, into out: inout [UInt8]) where C.Element: TemplateUnit {
        if let placeholder = placeholder(for: token) {
            out.append(contentsOf: placeholder.utf8)
            return
        }
        var inDigits = false
        for c in token {
            if isDigit(c.value) {
                if !inDigits { out.append(contentsOf: "<n>".utf8) }
                inDigits = true
            } else {
                inDigits = false
                c.appendUTF8(to: &out)
            }
        }
    }

    /// `<email>`, `<uuid>` or `<hex>` when the whole token is one.
    static func placeholder<C: Collection>(for token: C) -> String? where C.Element: TemplateUnit {
        if let at = token.firstIndex(where: { $0.value == 0x40 }), at > token.startIndex,  // @
           token[token.index(after: at)...].contains(where: { $0.value == 0x2E }) { return "<email>" }
        if isUUID(token) { return "<uuid>" }
        let first = token.startIndex, second = token.index(after: first)
        if token.count > 2, token[first].value == 0x30, token[second].value == 0x78 || token[second].value == 0x58,  // 0x, 0X
           token[token.index(after: second)...].allSatisfy({ isHexDigit($0.value) }) { return "<hex>" }
        if token.count >= 8, token.allSatisfy({ isHexDigit($0.value) }), token.contains(where: { isDigit($0.value) }) { return "<hex>" }
        return nil
    }

    static func isUUID<C: Collection>(_ t: C) -> Bool where C.Element: TemplateUnit {
        guard t.count == 36 else { return false }
        for (i, c) in t.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 { if c.value != 0x2D { return false } } else if !isHexDigit(c.value) { return false }
        }
        return true
    }

    static func isDigit(_ v: UInt32) -> Bool { v >= 48 && v <= 57 }
    static func isHexDigit(_ v: UInt32) -> Bool { isDigit(v) || (v >= 65 && v <= 70) || (v >= 97 && v <= 102) }
    /// ASCII answered from ranges: Unicode's property table look-up was half the evaluator's time (perf).
    static func isWordCharacter(_ v: UInt32) -> Bool {
        if v < 128 { return (v >= 97 && v <= 122) || (v >= 65 && v <= 90) || (v >= 48 && v <= 57) || v == 95 }
        return Unicode.Scalar(v)?.properties.isAlphabetic ?? false
    }
    /// Word characters and `-`, `.`, `@`, `+`.
    static func isTokenCharacter(_ v: UInt32) -> Bool {
        isWordCharacter(v) || v == 0x2D || v == 0x2E || v == 0x40 || v == 0x2B
    }
}

/// What the scanner reads: an ASCII byte of an all-ASCII message, or a Unicode scalar.
protocol TemplateUnit {
    var value: UInt32 { get }
    func appendUTF8(to out: inout [UInt8])
}

extension UInt8: TemplateUnit {
    var value: UInt32 { UInt32(self) }
    func appendUTF8(to out: inout [UInt8]) { out.append(self) }
}

extension Unicode.Scalar: TemplateUnit {
    func appendUTF8(to out: inout [UInt8]) {
        if isASCII { out.append(UInt8(truncatingIfNeeded: value)) } else { out.append(contentsOf: UTF8.encode(self)!) }
    }
}
