public import LogModel

/// Compiles a `QueryNode` into an Elasticsearch/OpenSearch query: a `bool` in filter context (we
/// sort by time, so nothing needs a score), built from `term`, `prefix`, `range`, `exists`,
/// `match_phrase` and `regexp` — never `query_string` or a script.
///
/// Numeric comparisons on `keyword` fields (labels are strings: `"60"` sorts above `"499"`) work
/// without scripts by splitting on the number of integer digits: a value with more integer digits
/// than the bound is larger, one with fewer is smaller, and among values with as many digits the
/// keyword order *is* the numeric order. Lucene `regexp` picks the digit counts, a keyword `range`
/// orders within one count. Negative values mirror this.
public struct ElasticsearchQueryCompiler: Sendable {
    /// "now" for relative times, fixed once per request.
    public let nowMicros: Int64

    public init(nowMicros: Int64) { self.nowMicros = nowMicros }

    public func compile(_ node: QueryNode) -> JSONValue {
        switch node {
        case .matchAll:
            return ["match_all": [:]]
        case .word(let w), .phrase(let w):
            return anyOf(FieldCatalog.textFields.map { ["match_phrase": .object(JSONObject([.init($0, .string(w))]))] })
        case .wordPrefix(let w):
            return anyOf(FieldCatalog.textFields.map { textPrefix($0, w) })
        case .exists(let field):
            return ["exists": ["field": .string(field)]]
        case .field(let field, let predicate):
            return compile(field: field, predicate)
        case .and(let terms):
            var filter: [JSONValue] = [], mustNot: [JSONValue] = []
            for term in terms {
                if case .not(let inner) = term { mustNot.append(compile(inner)) } else { filter.append(compile(term)) }
            }
            var bool = JSONObject()
            if !filter.isEmpty { bool.append("filter", .array(filter)) }
            if !mustNot.isEmpty { bool.append("must_not", .array(mustNot)) }
            return ["bool": .object(bool)]
        case .or(let terms):
            return anyOf(terms.map(compile))
        case .not(let inner):
            return ["bool": ["must_not": [compile(inner)]]]
        }
    }

    func compile(field: String, _ predicate: FieldPredicate) -> JSONValue {
        let kind = FieldCatalog.kind(of: field)
        switch (kind, predicate) {
        case (.text, .equals(let v)):
            return ["match_phrase": .object(JSONObject([.init(field, .string(v))]))]
        case (.text, .prefix(let v)):
            return textPrefix(field, v)
        case (.level, .compare(let op, let v)):
            return levels(field, LevelSet.matching(op, v))
        case (.level, .range(let lower, let upper)):
            return levels(field, LevelSet.between(lower, upper))
        case (.date, .equals(let v)):
            return range(field, [(.greaterOrEqual, date(v)), (.lessOrEqual, date(v))])
        case (.date, .compare(let op, let v)):
            return range(field, [(op, date(v))])
        case (.date, .range(let lower, let upper)):
            return range(field, bounds(lower, upper).map { ($0.0, date($0.1)) })
        case (.number, .equals(let v)):
            return term(field, number(v))
        case (.number, .compare(let op, let v)):
            return range(field, [(op, number(v))])
        case (.number, .range(let lower, let upper)):
            return range(field, bounds(lower, upper).map { ($0.0, number($0.1)) })
        case (.boolean, .equals(let v)):
            return term(field, .bool(v == "true"))
        case (_, .equals(let v)):
            return term(field, .string(v))
        case (_, .prefix(let v)):
            return ["prefix": .object(JSONObject([.init(field, ["value": .string(v)])]))]
        case (_, .compare(let op, let v)):
            return compare(field, op, v)
        case (_, .range(let lower, let upper)):
            let parts = bounds(lower, upper)
            if parts.allSatisfy({ NumericText.isNumber($0.1) }) {
                return allOf(parts.map { compare(field, $0.0, $0.1) })
            }
            return range(field, parts.map { ($0.0, .string($0.1)) })
        }
    }

    // MARK: - Numbers stored as keywords

    /// `field op bound` on a keyword: numeric when the bound is a number, keyword order otherwise.
    func compare(_ field: String, _ op: Comparison, _ bound: String) -> JSONValue {
        guard let (negative, magnitude) = NumericText.parse(bound) else {
            return range(field, [(op, .string(bound))])
        }
        let above = op == .greater || op == .greaterOrEqual
        let unsigned = "(0|[1-9][0-9]*)(\\.[0-9]+)?"
        if !negative {
            let positives = magnitudeQuery(field, sign: "", op, magnitude)
            return above ? positives : anyOf([positives, regexp(field, "-" + unsigned)])
        }
        // Below zero the order of magnitudes flips: -x > -m exactly when x < m.
        let negatives = magnitudeQuery(field, sign: "-", op.flipped, magnitude)
        return above ? anyOf([regexp(field, unsigned), negatives]) : negatives
    }

    /// Values `sign + x` (x a canonical magnitude) with `x op magnitude`.
    private func magnitudeQuery(_ field: String, sign: String, _ op: Comparison, _ magnitude: String) -> JSONValue {
        let digits = NumericText.integerDigits(magnitude)
        let fraction = "(\\.[0-9]+)?"
        let sameDigits = digits == 1 ? "[0-9]" : "[1-9][0-9]{\(digits - 1)}"
        // Within one digit count keyword order is numeric order; the sign is a common prefix.
        let sameCount = allOf([regexp(field, sign + sameDigits + fraction), range(field, [(op, .string(sign + magnitude))])])
        if op == .greater || op == .greaterOrEqual {
            return anyOf([regexp(field, sign + "[1-9][0-9]{\(digits),}" + fraction), sameCount])
        }
        guard digits > 1 else { return sameCount }
        let fewer = digits == 2 ? "(0|[1-9])" : "(0|[1-9][0-9]{0,\(digits - 2)})"
        return anyOf([regexp(field, sign + fewer + fraction), sameCount])
    }

    // MARK: - Building blocks

    private func textPrefix(_ field: String, _ text: String) -> JSONValue {
        // The text fields are analysed with the standard analyser: tokens are lower case.
        ["prefix": .object(JSONObject([.init(field, ["value": .string(text.lowercased())])]))]
    }

    private func levels(_ field: String, _ set: [Level]) -> JSONValue {
        ["terms": .object(JSONObject([.init(field, .array(set.map { .string($0.name) }))]))]
    }

    private func term(_ field: String, _ value: JSONValue) -> JSONValue {
        ["term": .object(JSONObject([.init(field, value)]))]
    }

    private func regexp(_ field: String, _ pattern: String) -> JSONValue {
        ["regexp": .object(JSONObject([.init(field, ["value": .string(pattern)])]))]
    }

    private func range(_ field: String, _ parts: [(Comparison, JSONValue)]) -> JSONValue {
        var body = JSONObject()
        for (op, value) in parts { body.append(op.elasticsearchName, value) }
        return ["range": .object(JSONObject([.init(field, .object(body))]))]
    }

    private func bounds(_ lower: RangeBound?, _ upper: RangeBound?) -> [(Comparison, String)] {
        var parts: [(Comparison, String)] = []
        if let lower { parts.append((lower.comparison(isLower: true), lower.value)) }
        if let upper { parts.append((upper.comparison(isLower: false), upper.value)) }
        return parts
    }

    private func date(_ text: String) -> JSONValue {
        .string(Timestamp.format(micros: TimeExpression.resolve(text, nowMicros: nowMicros) ?? nowMicros))
    }

    private func number(_ text: String) -> JSONValue {
        if let n = Int64(text) { return .int(n) }
        return .double(Double(text) ?? 0)
    }

    private func anyOf(_ queries: [JSONValue]) -> JSONValue {
        queries.count == 1 ? queries[0] : ["bool": ["should": .array(queries), "minimum_should_match": 1]]
    }

    private func allOf(_ queries: [JSONValue]) -> JSONValue {
        if queries.isEmpty { return ["match_all": [:]] }
        return queries.count == 1 ? queries[0] : ["bool": ["filter": .array(queries)]]
    }
}

extension Comparison {
    var elasticsearchName: String {
        switch self {
        case .greater: "gt"
        case .greaterOrEqual: "gte"
        case .less: "lt"
        case .lessOrEqual: "lte"
        }
    }

    var mongoName: String { "$" + elasticsearchName }

    var flipped: Comparison {
        switch self {
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        }
    }

    func holds<T: Comparable>(_ lhs: T, _ rhs: T) -> Bool {
        switch self {
        case .greater: lhs > rhs
        case .greaterOrEqual: lhs >= rhs
        case .less: lhs < rhs
        case .lessOrEqual: lhs <= rhs
        }
    }
}

/// Levels compare by severity: `level:>=warning` is the set warning…emergency.
enum LevelSet {
    static func matching(_ op: Comparison, _ name: String) -> [Level] {
        guard let bound = Level(name: name) else { return [] }
        return Level.allCases.filter { op.holds($0, bound) }
    }

    static func between(_ lower: RangeBound?, _ upper: RangeBound?) -> [Level] {
        Level.allCases.filter { level in
            (lower.map { matching($0.comparison(isLower: true), $0.value).contains(level) } ?? true)
                && (upper.map { matching($0.comparison(isLower: false), $0.value).contains(level) } ?? true)
        }
    }
}
