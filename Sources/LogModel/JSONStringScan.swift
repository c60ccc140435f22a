/// Finding the end of the plain part of a JSON string, eight bytes at a time: the parser's and the
/// MongoDB sink's BSON writer's inner loop over a string's bytes.
public enum JSONStringScan {
    /// The first position at or after `pos`, before `end`, of a byte that needs attention inside a
    /// JSON string — a quote, a backslash, a control character or a non-ASCII byte — or `end`.
    @inlinable @inline(__always)
    public static func plainASCIIEnd(_ base: UnsafePointer<UInt8>, from pos: Int, to end: Int) -> Int {
        var pos = pos
        while pos &+ 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self))
            let special = specialBytes(word)
            // The lowest flagged byte is exact (borrows only travel upwards).
            if special != 0 { return pos &+ special.trailingZeroBitCount >> 3 }
            pos &+= 8
        }
        while pos < end {
            let c = base[pos]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { return pos }
            pos &+= 1
        }
        return end
    }

    /// High bit set in each byte of `word` that is '"', '\\', below 0x20 or at least 0x80
    /// (bytes above the lowest flagged one may be flagged spuriously).
    @inlinable @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasBackslash | hasControl | word) & highs
    }
}
