/// What a label or attribute key says about its value.
enum SecretKeyKind: Equatable {
    /// An ordinary key: its string values are still scanned for card numbers and URL passwords.
    case plain
    /// A secret (`password`, `token`, `cvv` ...): the whole value becomes `"[REDACTED]"`.
    case secret
    /// A card number field (`card`, `pan`, `cc`, `card_number` ...): a card number is masked to
    /// its first 6 and last 4 digits, any other scalar becomes `"[REDACTED]"`.
    case card
}
