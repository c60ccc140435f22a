/// `scheme://user:password@host`: the password's bytes (RFC 3986 §3.2.1 userinfo).
enum URLPassword {
    static func collect(in bytes: UnsafeBufferPointer<UInt8>, into spans: inout [Range<Int>]) {
        let n = bytes.count
        var i = 1
        while i + 2 < n {
            guard bytes[i] == UInt8(ascii: ":"), bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/"),
                isSchemeByte(bytes[i - 1])
            else {
                i += 1
                continue
            }
            // The authority runs to the path, query or fragment, or to the end of the token.
            let authorityStart = i + 3
            var end = authorityStart
            var lastAt = -1
            while end < n {
                let b = bytes[end]
                if CredentialSpans.endsToken(b) || b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") {
                    break
                }
                if b == UInt8(ascii: "@") { lastAt = end }
                end += 1
            }
            if lastAt > authorityStart {
                // The user name ends at the first ':'; everything up to the last '@' is the password.
                var colon = authorityStart
                while colon < lastAt, bytes[colon] != UInt8(ascii: ":") { colon += 1 }
                if colon + 1 < lastAt { spans.append((colon + 1)..<lastAt) }
            }
            i = max(end, i + 3)
        }
    }

    /// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
    @inline(__always)
    private static func isSchemeByte(_ b: UInt8) -> Bool {
        b &- 97 < 26 || b &- 65 < 26 || b &- 48 < 10 || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
    }
}
