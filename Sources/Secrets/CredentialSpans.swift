/// Finds the byte ranges of passwords in text: URL userinfo passwords and `password=` values.
/// Byte-level and allocation-free until something is found, since the ingest path runs it on
/// every string value of every event.
enum CredentialSpans {
    /// Sorted, non-overlapping ranges to mask.
    static func find(in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        let hints = Hints(bytes)
        guard hints.mayHoldURLPassword || hints.mayHoldPasswordPair else { return [] }
        var spans: [Range<Int>] = []
        if hints.mayHoldURLPassword { URLPassword.collect(in: bytes, into: &spans) }
        if hints.mayHoldPasswordPair { PasswordPair.collect(in: bytes, into: &spans) }
        guard spans.count > 1 else { return spans }
        spans.sort { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = []
        for span in spans {
            if let last = merged.last, span.lowerBound < last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, span.upperBound)
            } else {
                merged.append(span)
            }
        }
        return merged
    }

    /// One pass over the bytes: is a closer look worth it?
    private struct Hints {
        var mayHoldURLPassword = false
        var mayHoldPasswordPair = false

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            var schemeSeparator = false
            var at = false
            var equals = false
            let n = bytes.count
            var i = 0
            while i < n {
                switch bytes[i] {
                case UInt8(ascii: ":"):
                    if i + 2 < n, bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/") { schemeSeparator = true }
                case UInt8(ascii: "@"): at = true
                case UInt8(ascii: "="):
                    // Only `...d=` / `...d =` can end `password` or `passwd`: base64 padding and
                    // ordinary `k=v` pairs skip the closer look.
                    var k = i - 1
                    while k >= 0, bytes[k] == UInt8(ascii: " ") { k -= 1 }
                    if k >= 0, bytes[k] | 0x20 == UInt8(ascii: "d") { equals = true }
                default: break
                }
                i += 1
            }
            mayHoldURLPassword = schemeSeparator && at
            mayHoldPasswordPair = equals
        }
    }

    /// A value as written: a quoted conninfo value loses its quotes and backslash escapes.
    static func unquoted(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count >= 2, let quote = bytes.first, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\""),
            bytes.last == quote
        else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        var i = 1
        while i < bytes.count - 1 {
            if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count - 1 { i += 1 }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes that end a URL inside text: whitespace, controls, quotes and angle brackets.
    @inline(__always)
    static func endsToken(_ b: UInt8) -> Bool {
        b <= 0x20 || b == 0x7F || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "<")
            || b == UInt8(ascii: ">") || b == UInt8(ascii: "`")
    }
}
