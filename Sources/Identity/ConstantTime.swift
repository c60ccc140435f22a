/// Comparison of secrets in time that depends only on their lengths, never on where they differ,
/// so that an attacker cannot learn a token byte by byte from response times.
public enum ConstantTime {
    public static func equals(_ lhs: some StringProtocol, _ rhs: some StringProtocol) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count) | (a.count == b.count ? 0 : 1)
        let length = max(a.count, b.count)
        for index in 0..<length {
            // Out-of-range bytes read as 0 so the loop runs over the longer length either way.
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
