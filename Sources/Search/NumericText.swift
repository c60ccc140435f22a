/// Numbers written as text (labels are stored as strings: `"status": "502"`). A comparison is
/// numeric when its bound is a canonical decimal (`-?(0|[1-9][0-9]*)(\.[0-9]+)?`), and then only
/// values written the same canonical way take part — on both backends, so they agree.
enum NumericText {
    /// The bound split into sign and magnitude, or nil when `text` is not a canonical decimal.
    static func parse(_ text: String) -> (negative: Bool, magnitude: String)? {
        var rest = Substring(text)
        let negative = rest.first == "-"
        if negative { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let integer = parts.first, !integer.isEmpty, integer.allSatisfy(\.isASCIIDigit) else { return nil }
        if integer.count > 1, integer.first == "0" { return nil }
        if parts.count == 2 { guard !parts[1].isEmpty, parts[1].allSatisfy(\.isASCIIDigit) else { return nil } }
        return (negative, String(rest))
    }

    static func isNumber(_ text: String) -> Bool { parse(text) != nil }

    /// The canonical-decimal pattern (anchored by the caller where the engine needs it).
    static let pattern = "-?(0|[1-9][0-9]*)(\\.[0-9]+)?"

    static func integerDigits(_ magnitude: String) -> Int {
        magnitude.prefix { $0 != "." }.count
    }
}
