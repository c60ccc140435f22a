/// Cutting text to a byte budget without splitting a UTF-8 sequence.
enum MessageText {
    /// `text` cut to at most `maxBytes` UTF-8 bytes on a character boundary, or `nil` if it fits.
    static func truncated(_ text: String, maxBytes: Int) -> String? {
        let utf8 = text.utf8
        guard utf8.count > maxBytes else { return nil }
        var end = utf8.index(utf8.startIndex, offsetBy: max(maxBytes, 0))
        // Back up over continuation bytes (10xxxxxx) so the cut lands before a lead byte.
        while end > utf8.startIndex, utf8[end] & 0xC0 == 0x80 { end = utf8.index(before: end) }
        return String(decoding: utf8[utf8.startIndex..<end], as: UTF8.self)
    }
}
