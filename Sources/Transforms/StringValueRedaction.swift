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
    }

    /// A JSON integer that is a card number, masked as a string (it cannot stay a number).
    static func redact(_ number: Int64) -> String? {
        // 13 digits at least: cheaper than formatting every number.
        guard number >= 1_000_000_000_000 || number <= -1_000_000_000_000 else { return nil }
        return CardNumberMasker.maskWhole(String(number))
    }
}
