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

    /// One pass over the bytes for both steps, cheaper than each step's own.
    ///
    /// A card needs 13 digits in one run of digit groups joined by single spaces or dashes, so the
    /// pass tracks the longest such run: a trace id or a hash has more than 13 digits in all but
    /// none in one run, and skips the masker (which cost 4 % of the hub's CPU on trace ids alone).
    /// The run may over-count (a separator before a letter does not end it until the letter);
    /// over-counting only sends a value to the exact check, it never lets a card through.
    private struct Hints {
        var mayHoldCard = false
        var mayHoldCredentials = false

        init(_ text: String) {
            var text = text
            (mayHoldCard, mayHoldCredentials) = text.withUTF8 { bytes in
                var run = 0
                var longestRun = 0
                var afterDigit = false
                var colon = false
                var at = false
                var equals = false
                let count = bytes.count
                var i = 0
                while i < count {
                    // Eight bytes at a time while they hold no digit and none of `:`, `@`, `=`: such
                    // a word ends any run whatever else it holds (a separator continues a run only
                    // when a digit follows it, and none does here).
                    if i & 7 == 0, i + 8 <= count,
                        !Self.mayMatter(UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self))
                    {
                        if run > longestRun { longestRun = run }
                        run = 0
                        afterDigit = false
                        i += 8
                        continue
                    }
                    let b = bytes[i]
                    i += 1
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

        /// Whether any of the 8 bytes in `word` is a digit, `:`, `@` or `=` (SWAR: a byte is a
        /// digit when its high nibble is 3 and its low nibble below 10; "has a zero byte" finds
        /// those and the exact matches). Exact: no false "no".
        @inline(__always)
        private static func mayMatter(_ word: UInt64) -> Bool {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            @inline(__always) func hasZeroByte(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
            // Zero exactly in the digit bytes: high nibble xor 3 (bits 4-7) or "low nibble ≥ 10" (bit 4 after adding 6).
            let highNibble = (word & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030
            let lowAtLeastTen = ((word & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x0606_0606_0606_0606) & 0x1010_1010_1010_1010
            return hasZeroByte(highNibble | lowAtLeastTen) || hasZeroByte(word ^ (ones &* 0x3A))
                || hasZeroByte(word ^ (ones &* 0x40)) || hasZeroByte(word ^ (ones &* 0x3D))
        }
    }

    /// A JSON integer that is a card number, masked as a string (it cannot stay a number).
    static func redact(_ number: Int64) -> String? {
        // 13 digits at least: cheaper than formatting every number.
        guard number >= 1_000_000_000_000 || number <= -1_000_000_000_000 else { return nil }
        return CardNumberMasker.maskWhole(String(number))
    }
}
