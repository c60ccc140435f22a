/// Decides whether a key names a secret (see ``NormalizerConfiguration/redactKeys`` and
/// ``NormalizerConfiguration/redactKeyWords``) or a card number field
/// (``NormalizerConfiguration/cardKeys``, ``NormalizerConfiguration/cardKeyWords``); a key that
/// names both (`card_cvv`, `cc_token`) is a secret.
///
/// Runs for every label and attribute key of every event, so it works on bytes without
/// allocating: the key is lowercased with separators dropped into a stack buffer and scanned once;
/// at each position a per-byte bit mask names the patterns starting with that byte. Word patterns
/// found this way are then confirmed against the key's word boundaries (the slow part, rarely
/// needed). A class so that handing it around per event retains one reference.
final class SecretKeyMatcher: Sendable {
    /// All patterns' bytes back to back (lowercased, separators removed).
    private let patternBytes: [UInt8]
    private let patternStarts: [Int]
    private let patternLengths: [Int]
    /// Bit p set: pattern p must match a whole word.
    private let wordPatterns: UInt64
    /// Bit p set: pattern p names a card number field rather than a secret.
    private let cardPatterns: UInt64
    /// For each byte, the patterns starting with it.
    private let firstByteMasks: [UInt64]
    /// Whole-word patterns, lowercased (for the boundary check), with their pattern bit.
    private let words: [(bytes: [UInt8], bit: UInt64)]

    /// At most 64 patterns in all (one bit each); further ones are ignored.
    static let maximumPatterns = 64

    init(substrings: [String], words: [String], cardSubstrings: [String] = [], cardWords: [String] = []) {
        var patterns: [(bytes: [UInt8], isWord: Bool, isCard: Bool)] = []
        // Secrets first: when the 64 bits run out, card patterns are the ones left out.
        let all = substrings.map { ($0, false, false) } + words.map { ($0, true, false) }
            + cardSubstrings.map { ($0, false, true) } + cardWords.map { ($0, true, true) }
        for (pattern, isWord, isCard) in all {
            let bytes = Self.normalize(Array(pattern.utf8))
            guard !bytes.isEmpty, !patterns.contains(where: { $0.bytes == bytes && $0.isWord == isWord }) else { continue }
            patterns.append((bytes, isWord, isCard))
        }
        patterns = Array(patterns.prefix(Self.maximumPatterns))
        var flat: [UInt8] = []
        var starts: [Int] = []
        var lengths: [Int] = []
        var wordMask: UInt64 = 0
        var cardMask: UInt64 = 0
        var wordList: [(bytes: [UInt8], bit: UInt64)] = []
        var masks = [UInt64](repeating: 0, count: 256)
        for (i, pattern) in patterns.enumerated() {
            starts.append(flat.count)
            lengths.append(pattern.bytes.count)
            flat.append(contentsOf: pattern.bytes)
            masks[Int(pattern.bytes[0])] |= 1 << UInt64(i)
            if pattern.isWord {
                wordMask |= 1 << UInt64(i)
                wordList.append((pattern.bytes, 1 << UInt64(i)))
            }
            if pattern.isCard { cardMask |= 1 << UInt64(i) }
        }
        patternBytes = flat
        patternStarts = starts
        patternLengths = lengths
        wordPatterns = wordMask
        cardPatterns = cardMask
        firstByteMasks = masks
        self.words = wordList
    }

    /// Lowercases ASCII letters and drops ASCII punctuation and spaces.
    private static func normalize(_ bytes: [UInt8]) -> [UInt8] {
        bytes.compactMap(normalizedByte)
    }

    @inline(__always)
    private static func normalizedByte(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return b | 0x20
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), 0x80...: return b
        default: return nil
        }
    }

    /// What `key` names.
    func kind(of key: String) -> SecretKeyKind {
        if let result = key.utf8.withContiguousStorageIfAvailable({ kind(bytes: $0) }) { return result }
        return Array(key.utf8).withUnsafeBufferPointer { kind(bytes: $0) }
    }

    private func kind(bytes: UnsafeBufferPointer<UInt8>) -> SecretKeyKind {
        if bytes.isEmpty { return .plain }
        let found = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { buffer in
            var count = 0
            for b in bytes {
                if let n = Self.normalizedByte(b) {
                    buffer[count] = n
                    count += 1
                }
            }
            return scan(UnsafeBufferPointer(rebasing: buffer[0..<count]))
        }
        var matched = found.substrings
        if found.wordCandidates != 0 { matched |= confirmedWords(bytes, candidates: found.wordCandidates) }
        if matched & ~cardPatterns != 0 { return .secret }
        return matched != 0 ? .card : .plain
    }

    /// The substring patterns found in the normalised key, and the word patterns found there
    /// (to be confirmed against word boundaries). Stops at the first secret substring.
    private func scan(_ key: UnsafeBufferPointer<UInt8>) -> (substrings: UInt64, wordCandidates: UInt64) {
        var substrings: UInt64 = 0
        var wordCandidates: UInt64 = 0
        let n = key.count
        return firstByteMasks.withUnsafeBufferPointer { masks in
            patternBytes.withUnsafeBufferPointer { flat in
                for i in 0..<n {
                    var mask = masks[Int(key[i])]
                    while mask != 0 {
                        let p = mask.trailingZeroBitCount
                        mask &= mask - 1
                        let length = patternLengths[p]
                        guard i + length <= n else { continue }
                        let start = patternStarts[p]
                        var equal = true
                        for j in 1..<max(length, 1) where key[i + j] != flat[start + j] {
                            equal = false
                            break
                        }
                        guard equal else { continue }
                        let bit: UInt64 = 1 << UInt64(p)
                        if wordPatterns & bit != 0 {
                            wordCandidates |= bit
                        } else {
                            substrings |= bit
                            if cardPatterns & bit == 0 { return (substrings, wordCandidates) }
                        }
                    }
                }
                return (substrings, wordCandidates)
            }
        }
    }

    /// Words: runs of letters/digits, split at anything else and where a lowercase letter or
    /// digit is followed by an uppercase one (`cardPan` → `card`, `pan`).
    /// The bits of the `candidates` word patterns that are whole words of the key.
    private func confirmedWords(_ bytes: UnsafeBufferPointer<UInt8>, candidates: UInt64) -> UInt64 {
        var confirmed: UInt64 = 0
        var start = 0
        var i = 0
        let n = bytes.count
        while i <= n {
            let isBoundary: Bool
            var startsNewWordHere = false
            if i == n {
                isBoundary = true
            } else {
                let b = bytes[i]
                if !Self.isAlnum(b) {
                    isBoundary = true
                } else if i > start, Self.isUpper(b), !Self.isUpper(bytes[i - 1]) {
                    isBoundary = true
                    startsNewWordHere = true
                } else {
                    isBoundary = false
                }
            }
            if isBoundary {
                if i > start { confirmed |= wordMatches(bytes, start, i, candidates: candidates) }
                start = startsNewWordHere ? i : i + 1
            }
            i += 1
        }
        return confirmed
    }

    private func wordMatches(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, candidates: UInt64) -> UInt64 {
        for word in words where word.bit & candidates != 0 && word.bytes.count == end - start {
            var equal = true
            for (j, b) in word.bytes.enumerated() where (bytes[start + j] | (Self.isUpper(bytes[start + j]) ? 0x20 : 0)) != b {
                equal = false
                break
            }
            if equal { return word.bit }
        }
        return 0
    }

    @inline(__always) private static func isUpper(_ b: UInt8) -> Bool { b &- 65 < 26 }
    @inline(__always) private static func isAlnum(_ b: UInt8) -> Bool { b &- 65 < 26 || b &- 97 < 26 || b &- 48 < 10 }
}
