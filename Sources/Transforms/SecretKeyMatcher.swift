/// Decides whether a key names a secret (see ``NormalizerConfiguration/redactKeys`` and
/// ``NormalizerConfiguration/redactKeyWords``).
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
    /// For each byte, the patterns starting with it.
    private let firstByteMasks: [UInt64]
    /// Whole-word patterns, lowercased (for the boundary check).
    private let words: [[UInt8]]

    /// At most 64 patterns in all (one bit each); further ones are ignored.
    static let maximumPatterns = 64

    init(substrings: [String], words: [String]) {
        var patterns: [(bytes: [UInt8], isWord: Bool)] = []
        for (pattern, isWord) in substrings.map({ ($0, false) }) + words.map({ ($0, true) }) {
            let bytes = Self.normalize(Array(pattern.utf8))
            guard !bytes.isEmpty, !patterns.contains(where: { $0.bytes == bytes && $0.isWord == isWord }) else { continue }
            patterns.append((bytes, isWord))
        }
        patterns = Array(patterns.prefix(Self.maximumPatterns))
        var flat: [UInt8] = []
        var starts: [Int] = []
        var lengths: [Int] = []
        var wordMask: UInt64 = 0
        var masks = [UInt64](repeating: 0, count: 256)
        for (i, pattern) in patterns.enumerated() {
            starts.append(flat.count)
            lengths.append(pattern.bytes.count)
            flat.append(contentsOf: pattern.bytes)
            masks[Int(pattern.bytes[0])] |= 1 << UInt64(i)
            if pattern.isWord { wordMask |= 1 << UInt64(i) }
        }
        patternBytes = flat
        patternStarts = starts
        patternLengths = lengths
        wordPatterns = wordMask
        firstByteMasks = masks
        self.words = patterns.filter(\.isWord).map(\.bytes)
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

    func matches(_ key: String) -> Bool {
        if let result = key.utf8.withContiguousStorageIfAvailable({ matches(bytes: $0) }) { return result }
        return Array(key.utf8).withUnsafeBufferPointer { matches(bytes: $0) }
    }

    private func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.isEmpty { return false }
        let found: (substring: Bool, word: Bool) = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { buffer in
            var count = 0
            for b in bytes {
                if let n = Self.normalizedByte(b) {
                    buffer[count] = n
                    count += 1
                }
            }
            return scan(UnsafeBufferPointer(rebasing: buffer[0..<count]))
        }
        return found.substring || (found.word && containsWord(bytes))
    }

    /// Whether a substring pattern occurs in the normalised key, and whether a word pattern does.
    private func scan(_ key: UnsafeBufferPointer<UInt8>) -> (substring: Bool, word: Bool) {
        var sawWord = false
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
                        if wordPatterns & (1 << UInt64(p)) == 0 { return (true, sawWord) }
                        sawWord = true
                    }
                }
                return (false, sawWord)
            }
        }
    }

    /// Words: runs of letters/digits, split at anything else and where a lowercase letter or
    /// digit is followed by an uppercase one (`cardPan` → `card`, `pan`).
    private func containsWord(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
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
                if i > start, wordMatches(bytes, start, i) { return true }
                start = startsNewWordHere ? i : i + 1
            }
            i += 1
        }
        return false
    }

    private func wordMatches(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        for word in words where word.count == end - start {
            var equal = true
            for (j, b) in word.enumerated() where (bytes[start + j] | (Self.isUpper(bytes[start + j]) ? 0x20 : 0)) != b {
                equal = false
                break
            }
            if equal { return true }
        }
        return false
    }

    @inline(__always) private static func isUpper(_ b: UInt8) -> Bool { b &- 65 < 26 }
    @inline(__always) private static func isAlnum(_ b: UInt8) -> Bool { b &- 65 < 26 || b &- 97 < 26 || b &- 48 < 10 }
}
