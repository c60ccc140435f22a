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
        var result: String?
        var count = 0
        if let (masked, n) = CardNumberMasker.mask(text) {
            result = masked
            count += n
        }
        if let (masked, n) = CredentialRedaction.redactingCredentials(in: result ?? text) {
            result = masked
            count += n
        }
        return result.map { ($0, count) }
    }

    /// A JSON integer that is a card number, masked as a string (it cannot stay a number).
    static func redact(_ number: Int64) -> String? {
        // 13 digits at least: cheaper than formatting every number.
        guard number >= 1_000_000_000_000 || number <= -1_000_000_000_000 else { return nil }
        return CardNumberMasker.maskWhole(String(number))
    }
}
