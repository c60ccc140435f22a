/// A cheap necessary condition for a text test: its regular expression (the words joined by `\W+`,
/// case-insensitive) can match an ASCII text only where every word occurs in it, ASCII case aside.
/// Used to rule texts out before running the expression; never to rule one in.
struct ASCIIWordCheck: Sendable {
    /// The words, lowercased.
    private let words: [[UInt8]]

    /// Nil when there are no words or one is not ASCII (case folding beyond ASCII is the regex's job).
    init?(_ words: [String]) {
        guard !words.isEmpty, words.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) else { return nil }
        self.words = words.map { $0.utf8.map(Self.lowercased) }
    }

    /// True when `text` is ASCII and lacks one of the words: the expression cannot match it. A text
    /// with other characters is never ruled out (`ſ` and the Kelvin sign fold to `s` and `k`).
    func rulesOut(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for byte in bytes where byte >= 0x80 { return false }
            return words.contains { !Self.contains(bytes, $0) }
        }
    }

    static func contains(_ text: UnsafeBufferPointer<UInt8>, _ word: [UInt8]) -> Bool {
        guard let first = word.first, word.count <= text.count else { return word.isEmpty }
        var start = 0
        let last = text.count - word.count
        while start <= last {
            if lowercased(text[start]) == first {
                var k = 1
                while k < word.count, lowercased(text[start + k]) == word[k] { k += 1 }
                if k == word.count { return true }
            }
            start += 1
        }
        return false
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
