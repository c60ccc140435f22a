/// `password=value` and `passwd=value` pairs (libpq conninfo, URL queries, environment dumps):
/// the value's bytes, quotes included.
enum PasswordPair {
    private static let names: [[UInt8]] = [Array("password".utf8), Array("passwd".utf8)]

    static func collect(in bytes: UnsafeBufferPointer<UInt8>, into spans: inout [Range<Int>]) {
        let n = bytes.count
        var i = 0
        while i < n {
            guard bytes[i] | 0x20 == UInt8(ascii: "p"), let nameEnd = nameEnd(in: bytes, at: i) else {
                i += 1
                continue
            }
            var k = nameEnd
            while k < n, bytes[k] == UInt8(ascii: " ") { k += 1 }
            guard k < n, bytes[k] == UInt8(ascii: "=") else {
                i = nameEnd
                continue
            }
            k += 1
            while k < n, bytes[k] == UInt8(ascii: " ") { k += 1 }
            let valueEnd = self.valueEnd(in: bytes, from: k, inQuery: i > 0 && (bytes[i - 1] == UInt8(ascii: "?") || bytes[i - 1] == UInt8(ascii: "&")))
            if valueEnd > k { spans.append(k..<valueEnd) }
            i = max(valueEnd, k)
        }
    }

    /// Where `password` or `passwd` (any case) starting at `i` ends, if one does.
    private static func nameEnd(in bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        for name in names where i + name.count <= bytes.count {
            var equal = true
            for (j, b) in name.enumerated() where bytes[i + j] | 0x20 != b {
                equal = false
                break
            }
            if equal { return i + name.count }
        }
        return nil
    }

    /// A quoted value ends after its closing quote (a backslash escapes, as in conninfo); an
    /// unquoted one at a space, and in a query string also at `&` or `#`.
    private static func valueEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, inQuery: Bool) -> Int {
        let n = bytes.count
        guard start < n else { return start }
        let first = bytes[start]
        if first == UInt8(ascii: "'") || first == UInt8(ascii: "\"") {
            var k = start + 1
            while k < n {
                if bytes[k] == UInt8(ascii: "\\") {
                    k += 2
                    continue
                }
                if bytes[k] == first { return k + 1 }
                k += 1
            }
            return n  // unterminated: mask to the end rather than leak the rest
        }
        var k = start
        while k < n {
            let b = bytes[k]
            if b <= 0x20 || b == 0x7F { break }
            if inQuery, b == UInt8(ascii: "&") || b == UInt8(ascii: "#") { break }
            k += 1
        }
        return k
    }
}
