/// Reading HTTP header values the way RFC 9110 compares them.
enum HeaderValue {
    /// The value before any `;` parameters, without surrounding spaces/tabs, lowercased
    /// (media types and content codings are case-insensitive).
    static func token(_ value: String) -> String {
        let head = value.utf8.split(separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        var bytes = Array(head)
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
        let start = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) ?? bytes.count
        return String(decoding: bytes[start...], as: UTF8.self).lowercased()
    }
}
