internal import Secrets

/// What every stored string value goes through (labels, attributes at any depth, the message,
/// error fields, names and ids): Luhn-valid card numbers are masked (``CardNumberMasker``) and
/// URL / conninfo passwords replaced by `[REDACTED]` (`CredentialRedaction`, the one redaction
/// the whole hub shares).
///
/// Both steps start with one cheap scan of the bytes (at least 13 digits; `://` plus `@`, or a
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

    /// One pass over the bytes for both steps, cheaper than each step's own: most bytes of most
    /// values are letters (≥ 0x41) and cost one comparison.
    private struct Hints {
        var mayHoldCard = false
        var mayHoldCredentials = false

        init(_ text: String) {
            var text = text
            (mayHoldCard, mayHoldCredentials) = text.withUTF8 { bytes in
                var digits = 0
                var colon = false
                var at = false
                var equals = false
                for b in bytes where b < 0x41 {
                    if b &- 48 < 10 {
                        digits &+= 1
                    } else if b == UInt8(ascii: ":") {
                        colon = true
                    } else if b == UInt8(ascii: "@") {
                        at = true
                    } else if b == UInt8(ascii: "=") {
                        equals = true
                    }
                }
                return (digits >= 13, (colon && at) || equals)
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
