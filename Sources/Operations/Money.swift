/// An amount in a currency, exact, with no more decimals than the currency has minor units.
public struct Money: Sendable, Hashable, CustomStringConvertible {
    public let amount: DecimalNumber
    public let currency: Currency

    /// Checks the amount against the currency; `allowNegative` for signed corrections, `allowZero` never
    /// for money that moves (a zero top-up is a mistake, not an operation).
    public static func parse(amount text: String, currency code: String, allowNegative: Bool = false,
                             allowZero: Bool = false) -> Result<Money, MoneyError> {
        guard let currency = Currency(code: code) else { return .failure(.unknownCurrency(code)) }
        guard let number = DecimalNumber(text) else { return .failure(.notADecimal(text)) }
        if number.significantScale > currency.minorUnits {
            return .failure(.tooManyDecimals(text, currency: currency.code, allowed: currency.minorUnits))
        }
        if number.isNegative, !allowNegative { return .failure(.negative(text)) }
        if number.isZero, !allowZero { return .failure(.zero) }
        guard let exact = number.rescaled(to: currency.minorUnits) else { return .failure(.notADecimal(text)) }
        return .success(Money(amount: exact, currency: currency))
    }

    public init(amount: DecimalNumber, currency: Currency) {
        self.amount = amount
        self.currency = currency
    }

    /// Exact sum in one currency; nil for different currencies or overflow.
    public func adding(_ other: Money) -> Money? {
        guard other.currency == currency, let sum = amount.adding(other.amount) else { return nil }
        return Money(amount: sum, currency: currency)
    }

    /// `1234.50 RUB`.
    public var description: String { "\(amount) \(currency.code)" }
}

/// Why an amount was refused, in words a manager can act on.
public enum MoneyError: Error, Sendable, Equatable, CustomStringConvertible {
    case notADecimal(String)
    case unknownCurrency(String)
    case tooManyDecimals(String, currency: String, allowed: Int)
    case negative(String)
    case zero

    public var code: String {
        switch self {
        case .notADecimal: "invalid_amount"
        case .unknownCurrency: "unknown_currency"
        case .tooManyDecimals: "too_many_decimals"
        case .negative: "negative_amount"
        case .zero: "zero_amount"
        }
    }

    public var description: String {
        switch self {
        case .notADecimal(let text): "'\(text)' is not a decimal amount (write it like 1234.50, as a string)"
        case .unknownCurrency(let code): "'\(code)' is not an ISO 4217 currency code (like RUB, USD, EUR)"
        case .tooManyDecimals(let text, let currency, let allowed): "'\(text)' has more than \(allowed) decimals, the most \(currency) has"
        case .negative(let text): "'\(text)' is negative; this operation takes a positive amount"
        case .zero: "the amount is zero"
        }
    }
}
