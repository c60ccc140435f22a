/// One parameter of a catalog operation: its type, bounds and where it goes in CORE's request.
public struct ParameterSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case string, integer
        /// A decimal string, checked against the currency named by `currencyParameter`.
        case money
        /// An ISO 4217 code (the currency of a money parameter).
        case currency
        case enumeration = "enum"
        case boolean
        /// A JSON object passed as it is (a system operation's arguments).
        case object
    }

    /// Where CORE gets the value.
    public enum Location: String, Sendable, CaseIterable {
        /// Substituted into the path template's `{name}`.
        case path
        /// A query parameter (look-ups).
        case query
        /// A member of the JSON body.
        case body
        /// The whole JSON body (an `object` parameter).
        case wholeBody = "whole_body"
    }

    public var name: String
    public var kind: Kind
    public var location: Location
    public var required: Bool
    public var description: String
    /// Integers: the least and most allowed. Money: the least and most amount (decimal text).
    public var minimum: String?
    public var maximum: String?
    /// Strings: length bounds.
    public var minLength: Int?
    public var maxLength: Int?
    /// Strings: a regular expression the whole value must match.
    public var pattern: String?
    /// Enums: the allowed values.
    public var values: [String]
    /// Money: a negative amount is allowed (a balance correction).
    public var signed: Bool
    /// Money: the parameter naming its currency.
    public var currencyParameter: String?

    public init(name: String, kind: Kind, location: Location = .body, required: Bool = true, description: String = "",
                minimum: String? = nil, maximum: String? = nil, minLength: Int? = nil, maxLength: Int? = nil, pattern: String? = nil,
                values: [String] = [], signed: Bool = false, currencyParameter: String? = nil) {
        self.name = name
        self.kind = kind
        self.location = location
        self.required = required
        self.description = description
        self.minimum = minimum
        self.maximum = maximum
        self.minLength = minLength
        self.maxLength = maxLength
        self.pattern = pattern
        self.values = values
        self.signed = signed
        self.currencyParameter = currencyParameter
    }
}
