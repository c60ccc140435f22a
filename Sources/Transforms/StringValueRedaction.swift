import LogModel
internal import Secrets

/// What every stored string value goes through (labels, attributes at any depth, the message,
/// error fields, names and ids): Luhn-valid card numbers are masked (``CardNumberMasker``) and
/// URL / conninfo passwords replaced by `[REDACTED]` (`CredentialRedaction`, the one redaction
/// the whole hub shares).
///
/// Both steps start with one cheap scan of the bytes (a run of at least 13 digits; `:` plus `@`, or a
/// `d=` that may end `password=`) and return `nil` without allocating when it finds nothing,
/// which is the answer for nearly every value.
enum StringValueRedaction {
    /// The redacted text and how many things were masked, or `nil` when nothing was.
    static func redact(_ text: String) -> (text: String, count: Int)? {
        let hints = Hints(text)
        guard hints.mayHoldCard || hints.mayHoldCredentials else { return nil }
        var result: String?
        var count = 0
        if hints.mayHoldCard, let (masked, n) = CardNumberMasker.mask(text) {
            result = masked
            count += n
        }
        if hints.mayHoldCredentials, let (masked, n) = CredentialRedaction.redactingCredentials(in: result ?? text) {
            result = masked
            count += n
        }
        return result.map { ($0, count) }
    }

    /// Whether `bytes` (a string's UTF-8) might hold something ``redact(_:)`` masks: when not,
    /// the text is stored as it is, and a string the event sent can be copied without being made.
    static func mayRedact(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let hints = Hints(bytes: bytes)
        return hints.mayHoldCard || hints.mayHoldCredentials
    }

    /// One pass over the bytes for both steps, cheaper than each step's own.
    ///
    /// A card needs 13 digits in one run of digit groups joined by single spaces or dashes, so the
    /// pass tracks the longest such run: a trace id or a hash has more than 13 digits in all but
    /// none in one run, and skips the masker (which cost 4 % of the hub's CPU on trace ids alone).
    /// The run may over-count (a separator before a letter does not end it until the letter);
    /// over-counting only sends a value to the exact check, it never lets a card through.
    ///
    /// Most values hold fewer than 13 digits in all and none of `:` `;` `<` `=` `>` `?` `@`, which
    /// rules out both without finding the runs: strings of 13 bytes or more are first looked at
    /// eight bytes at a time (``mayHoldEither(_:)``); shorter ones cannot hold a card and are only
    /// looked at for the credential bytes.
    private struct Hints {
        var mayHoldCard = false
        var mayHoldCredentials = false

        init(_ text: borrowing String) {  // borrowed: an init takes its arguments owned (a retain and a release per value)
            // Native strings (all of the parser's) lend their bytes without a copy.
            if let found = text.utf8.withContiguousStorageIfAvailable(Self.scan) {
                (mayHoldCard, mayHoldCredentials) = found
            } else {
                (mayHoldCard, mayHoldCredentials) = Array(text.utf8).withUnsafeBufferPointer(Self.scan)
            }
        }

        init(bytes: UnsafeBufferPointer<UInt8>) {
            (mayHoldCard, mayHoldCredentials) = Self.scan(bytes)
        }

        @inline(__always)
        private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> (Bool, Bool) {
            // Fewer than 13 bytes cannot hold 13 digits (most short values: "GET", a shop id).
            if bytes.count < 13 { return (false, mayHoldCredentials(bytes)) }
            let (digits, punctuation) = mayHoldEither(bytes)
            if !digits && !punctuation { return (false, false) }
            if digits && hasLongRow(bytes) { return scanBytes(bytes) }
            return (false, punctuation && holdsCredentialBytes(bytes))
        }

        /// Whether `bytes` hold 13 digits or more in all, and whether they hold a byte from `:` to
        /// `@` (the range holding `:`, `=` and `@`): eight bytes at a time, the tail as the last
        /// eight bytes with the ones already looked at shifted out (the zero bytes shifted in are
        /// neither).
        private static func mayHoldEither(_ bytes: UnsafeBufferPointer<UInt8>) -> (digits: Bool, punctuation: Bool) {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let base = UnsafeRawPointer(bytes.baseAddress!)
            let n = bytes.count
            var digits = 0
            // Eight one-byte digit counters (no popcount instruction on the baseline x86-64),
            // added up every 31 words, before their sum could pass 255.
            var counters: UInt64 = 0
            var words = 0
            var punctuation: UInt64 = 0
            var i = 0
            while i < n {
                let word = Self.word(at: i, of: base, count: n)
                i += 8
                // Per byte, the high bit of low + (0x80 - c) is set when the byte is at least c; the
                // low seven bits plus at most 0x50 cannot carry into the next byte. `~word` leaves
                // out non-ASCII bytes.
                let low = word & ~highs
                let fromZero = low &+ ones &* (0x80 - 0x30)  // ≥ '0'
                let fromColon = low &+ ones &* (0x80 - 0x3A)  // ≥ ':'
                let pastAt = low &+ ones &* (0x80 - 0x41)  // ≥ 'A'
                let ascii = ~word & highs
                counters &+= (fromZero & ~fromColon & ascii) >> 7
                punctuation |= fromColon & ~pastAt & ascii
                words += 1
                if words == 31 {
                    digits += Int((counters &* ones) >> 56)
                    counters = 0
                    words = 0
                }
            }
            digits += Int((counters &* ones) >> 56)
            return (digits >= 13, punctuation != 0)
        }

        /// The eight bytes at `i` as one little-endian word; past the end, the last bytes shifted down
        /// with zero bytes above them (the caller's values have at least 8 bytes).
        @inline(__always)
        private static func word(at i: Int, of base: UnsafeRawPointer, count n: Int) -> UInt64 {
            if i + 8 <= n { return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) }
            return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) >> UInt64(64 - (n - i) * 8)
        }

        /// Whether 13 bytes in a row are digits or `0x20`–`0x2F` (the range holding the space and
        /// `-`), as a card's digit groups must be: for values with 13 digits in all, most of which
        /// are trace ids and hashes whose letters come more often than that. Eight bytes at a
        /// time as in ``mayHoldEither(_:)``; the zero bytes shifted into the tail end a row.
        @inline(never)  // as above
        private static func hasLongRow(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let base = UnsafeRawPointer(bytes.baseAddress!)
            let n = bytes.count
            var row = 0  // bytes since the last one that ends a row
            var i = 0
            while i < n {
                let word = Self.word(at: i, of: base, count: n)
                i += 8
                let low = word & ~highs
                let fromSpace = low &+ ones &* (0x80 - 0x20)  // ≥ ' '
                let fromColon = low &+ ones &* (0x80 - 0x3A)  // ≥ ':'
                let ends = ~(fromSpace & ~fromColon & ~word) & highs
                if ends == 0 {
                    row += 8
                    continue
                }
                // The high bit of byte k is bit 8k + 7: the first end is byte tz / 8, and lz / 8
                // bytes follow the last one.
                if row + ends.trailingZeroBitCount / 8 >= 13 { return true }
                row = ends.leadingZeroBitCount / 8
            }
            return row >= 13
        }

        /// ``scanBytes(_:)``'s credential answer alone: `:` and `@`, or `=`. For 1–12 bytes: one or
        /// two words first, which rule out most without the loop (no byte from `:` to `@`).
        private static func mayHoldCredentials(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            let n = bytes.count
            guard n > 0 else { return false }
            let raw = UnsafeRawPointer(bytes.baseAddress!)
            let first = n <= 8 ? ShortBytes.word(bytes) : raw.loadUnaligned(as: UInt64.self)
            let last = n <= 8 ? first : raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            guard mayHoldColonToAt(first) || mayHoldColonToAt(last) else { return false }
            return holdsCredentialBytes(bytes)
        }

        /// ``scanBytes(_:)``'s credential answer, byte by byte.
        @inline(never)  // rare: kept out of the caller, which stays small enough to inline
        private static func holdsCredentialBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var colon = false
            var at = false
            for b in bytes {
                if b == UInt8(ascii: "=") { return true }
                if b == UInt8(ascii: ":") { colon = true } else if b == UInt8(ascii: "@") { at = true }
            }
            return colon && at
        }

        /// Whether a byte of `word` lies from `:` to `@` (the range holding `:`, `=` and `@`).
        @inline(__always)
        private static func mayHoldColonToAt(_ word: UInt64) -> Bool {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let low = word & ~highs
            let fromColon = low &+ ones &* (0x80 - 0x3A)
            let pastAt = low &+ ones &* (0x80 - 0x41)
            return fromColon & ~pastAt & ~word & highs != 0
        }

        /// The exact pass: the longest run of digit groups, and whether `:` and `@`, or `=`, occur.
        private static func scanBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> (mayHoldCard: Bool, mayHoldCredentials: Bool) {
            var run = 0
            var longestRun = 0
            var afterDigit = false
            var colon = false
            var at = false
            var equals = false
            for b in bytes {
                if b >= 0x41 {  // letters, most bytes of most values: end a run, nothing else
                    if run != 0 {
                        if run > longestRun { longestRun = run }
                        run = 0
                    }
                    afterDigit = false
                    continue
                }
                if b &- 48 < 10 {
                    run &+= 1
                    afterDigit = true
                    continue
                }
                if afterDigit, b == UInt8(ascii: " ") || b == UInt8(ascii: "-") {
                    afterDigit = false
                    continue
                }
                if run > longestRun { longestRun = run }
                run = 0
                afterDigit = false
                if b == UInt8(ascii: ":") {
                    colon = true
                } else if b == UInt8(ascii: "@") {
                    at = true
                } else if b == UInt8(ascii: "=") {
                    equals = true
                }
            }
            return (max(run, longestRun) >= 13, (colon && at) || equals)
        }
    }

    /// A JSON integer that is a card number, masked as a string (it cannot stay a number).
    static func redact(_ number: Int64) -> String? {
        // 13 digits at least: cheaper than formatting every number.
        guard number >= 1_000_000_000_000 || number <= -1_000_000_000_000 else { return nil }
        return CardNumberMasker.maskWhole(String(number))
    }
}
