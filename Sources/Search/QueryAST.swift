/// A parsed search query. Field names are already resolved (aliases expanded, bare names moved
/// under `labels.`), so printing a node and parsing the text again gives the same node.
public indirect enum QueryNode: Sendable, Equatable {
    /// The empty query: every event in the time range.
    case matchAll
    /// A free word over the text fields (`message`, `error.message`, `error.stack_trace`).
    case word(String)
    /// A free word with a trailing `*`: any token starting with the text.
    case wordPrefix(String)
    /// A `"quoted phrase"` over the text fields.
    case phrase(String)
    /// `field:…`
    case field(String, FieldPredicate)
    /// `has:field`
    case exists(String)
    case and([QueryNode])
    case or([QueryNode])
    case not(QueryNode)
}

/// What a `field:…` clause asks of the field's value.
public enum FieldPredicate: Sendable, Equatable {
    /// `field:value` or `field:"value"`.
    case equals(String)
    /// `field:val*`
    case prefix(String)
    /// `field:>value`, `>=`, `<`, `<=`.
    case compare(Comparison, String)
    /// `field:[a TO b]` (inclusive) or `{a TO b}` (exclusive); nil = open (`*`).
    case range(lower: RangeBound?, upper: RangeBound?)
}

public enum Comparison: String, Sendable, Equatable, CaseIterable {
    case greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<="
}

public struct RangeBound: Sendable, Equatable {
    public var value: String
    public var inclusive: Bool
    public init(_ value: String, inclusive: Bool) {
        self.value = value
        self.inclusive = inclusive
    }

    /// The bound as a comparison: a lower bound is `>`/`>=`, an upper one `<`/`<=`.
    func comparison(isLower: Bool) -> Comparison {
        isLower ? (inclusive ? .greaterOrEqual : .greater) : (inclusive ? .lessOrEqual : .less)
    }
}

extension QueryNode {
    /// The top-level members of a stored document the in-memory matcher (``QueryMatcher``) may read
    /// for this query: each field's first part and, since a dotted name is first looked up whole
    /// (`FieldPath`), the whole name; free words and phrases read the text fields.
    public var topLevelMembersRead: [String] {
        func members(of field: String) -> [String] {
            let first = String(field.prefix { $0 != "." })
            return first == field ? [field] : [field, first]
        }
        switch self {
        case .matchAll: return []
        case .word, .wordPrefix, .phrase: return FieldCatalog.textFields.flatMap(members)
        case .field(let field, _), .exists(let field): return members(of: field)
        case .and(let terms), .or(let terms): return terms.flatMap(\.topLevelMembersRead)
        case .not(let inner): return inner.topLevelMembersRead
        }
    }
}
