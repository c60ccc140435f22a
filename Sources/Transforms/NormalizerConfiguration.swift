/// How ``EventNormalizer`` fills defaults and bounds what a service can store.
///
/// Every limit that cuts something is reported in the stored document (`event.truncated`,
/// `event.dropped_keys`, `event.flattened_values`), never applied silently.
public struct NormalizerConfiguration: Sendable, Equatable {
    /// `service.environment` when the event names none.
    public var environment: String
    /// Messages longer than this many UTF-8 bytes are cut on a character boundary and marked
    /// `event.truncated: true`.
    public var maxMessageBytes: Int
    /// An event time further than this ahead of the receive time is replaced by the receive time
    /// (the original is kept in `event.original_timestamp`): a clock that far off would otherwise
    /// pin the event above every search for a day.
    public var futureTolerance: Duration
    /// At most this many `labels`; further ones are dropped and counted in `event.dropped_keys`.
    public var maxLabels: Int
    /// `attributes` nest at most this deep; deeper values are stored as their JSON text and
    /// counted in `event.flattened_values`.
    public var maxAttributeDepth: Int
    /// At most this many object keys in the whole `attributes` tree; further ones are dropped and
    /// counted in `event.dropped_keys`.
    public var maxAttributeKeys: Int
    /// A label or attribute whose key *contains* one of these (compared case-insensitively with
    /// `_`, `-`, `.` and spaces ignored, so `api_key` also matches `X-Api-Key` and `apiKey`) has
    /// its value replaced by `"[REDACTED]"`. Substring matching errs on the safe side:
    /// `max_tokens` and `session_count` are redacted too.
    public var redactKeys: [String]
    /// Short names matched as a whole word of the key only (words split at `_`, `-`, `.`, spaces
    /// and camelCase humps), because as substrings they would hit innocent keys: `pan` must match
    /// `card_pan` and `cardPan` but not `company` or `span_id`.
    public var redactKeyWords: [String]
    /// Added to ``redactKeys`` (the operator's own secret names, e.g. `x-shop-signature`).
    public var extraRedactKeys: [String]
    /// Card number fields, matched like ``redactKeys`` (substrings): a Luhn-valid card number
    /// under such a key is masked to its first 6 and last 4 digits (support can still tell
    /// cards apart), any other string or number becomes `"[REDACTED]"` (a mistyped number is
    /// still a card number). Booleans and `null` are kept; objects and arrays are walked.
    /// A key that also names a secret (`card_cvv`) is fully redacted.
    public var cardKeys: [String]
    /// Card number fields matched as whole words, like ``redactKeyWords``: `cc` must match
    /// `cc_number` and `ccNum` but not `account`.
    public var cardKeyWords: [String]

    public static let defaultRedactKeys = [
        "password", "passwd", "secret", "token", "authorization", "api_key", "apikey", "cookie", "session",
        "private_key", "access_key",
    ]
    public static let defaultRedactKeyWords = ["cvv", "cvc", "cvv2", "cvc2", "pwd"]
    /// `cardnum` covers `card_number`, `cardNumber`, `card-num`; `creditcard` covers `credit_card`.
    public static let defaultCardKeys = ["cardnum", "creditcard"]
    /// Whole words, unlike Sentry's data scrubbing, which matches key names as substrings (its
    /// default list once held `card[number]`): as substrings `cc` and `pan` would hit `account`
    /// and `company`. `pan` is the payment industry's name for the card number.
    public static let defaultCardKeyWords = ["card", "pan", "cc", "ccnum"]

    public init(
        environment: String = "production",
        maxMessageBytes: Int = 32_768,
        futureTolerance: Duration = .seconds(24 * 3600),
        maxLabels: Int = 256,
        maxAttributeDepth: Int = 8,
        maxAttributeKeys: Int = 512,
        redactKeys: [String] = NormalizerConfiguration.defaultRedactKeys,
        redactKeyWords: [String] = NormalizerConfiguration.defaultRedactKeyWords,
        extraRedactKeys: [String] = [],
        cardKeys: [String] = NormalizerConfiguration.defaultCardKeys,
        cardKeyWords: [String] = NormalizerConfiguration.defaultCardKeyWords
    ) {
        self.environment = environment
        self.maxMessageBytes = maxMessageBytes
        self.futureTolerance = futureTolerance
        self.maxLabels = maxLabels
        self.maxAttributeDepth = maxAttributeDepth
        self.maxAttributeKeys = maxAttributeKeys
        self.redactKeys = redactKeys
        self.redactKeyWords = redactKeyWords
        self.extraRedactKeys = extraRedactKeys
        self.cardKeys = cardKeys
        self.cardKeyWords = cardKeyWords
    }
}
