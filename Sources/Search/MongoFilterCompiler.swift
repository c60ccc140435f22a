public import LogModel

/// Compiles a `QueryNode` into a MongoDB `find` filter with the same meaning as the Elasticsearch
/// query, within what MongoDB can do without a text index (the stand-in has none):
/// - words, phrases and prefixes match by case-insensitive regular expression on word boundaries
///   (`\bpayment\W+failed\b`) instead of analysed tokens, so `"A-17"` matches `A-17` but not `A 17`;
/// - numeric comparisons on string labels convert with `$convert` inside `$expr`, guarded by the
///   same canonical-decimal pattern the Elasticsearch side uses, so both select the same values;
/// - dates are BSON dates (`{"$date": …}`).
public struct MongoFilterCompiler: Sendable {
    public let nowMicros: Int64

    public init(nowMicros: Int64) { self.nowMicros = nowMicros }

    public func compile(_ node: QueryNode) -> JSONValue {
        switch node {
        case .matchAll:
            return [:]
        case .word(let w), .phrase(let w):
            return anyOf(FieldCatalog.textFields.map { regex($0, Self.phrasePattern(w)) })
        case .wordPrefix(let w):
            return anyOf(FieldCatalog.textFields.map { regex($0, Self.prefixPattern(w)) })
        case .exists(let field):
            return .object(JSONObject([.init(field, ["$exists": true, "$ne": .null])]))
        case .field(let field, let predicate):
            return compile(field: field, predicate)
        case .and(let terms):
            return ["$and": .array(terms.map(compile))]
        case .or(let terms):
            return anyOf(terms.map(compile))
        case .not(let inner):
            return ["$nor": [compile(inner)]]
        }
    }

    func compile(field: String, _ predicate: FieldPredicate) -> JSONValue {
        let kind = FieldCatalog.kind(of: field)
        switch (kind, predicate) {
        case (.text, .equals(let v)):
            return regex(field, Self.phrasePattern(v))
        case (.text, .prefix(let v)):
            return regex(field, Self.prefixPattern(v))
        case (.level, .compare(let op, let v)):
            return condition(field, ["$in": .array(LevelSet.matching(op, v).map { .string($0.name) })])
        case (.level, .range(let lower, let upper)):
            return condition(field, ["$in": .array(LevelSet.between(lower, upper).map { .string($0.name) })])
        case (.date, .equals(let v)):
            return condition(field, date(v))
        case (.date, .compare(let op, let v)):
            return condition(field, .object(JSONObject([.init(op.mongoName, date(v))])))
        case (.date, .range(let lower, let upper)):
            return condition(field, .object(JSONObject(bounds(lower, upper).map { .init($0.0.mongoName, date($0.1)) })))
        case (.number, .equals(let v)):
            return condition(field, number(v))
        case (.number, .compare(let op, let v)):
            return condition(field, .object(JSONObject([.init(op.mongoName, number(v))])))
        case (.number, .range(let lower, let upper)):
            return condition(field, .object(JSONObject(bounds(lower, upper).map { .init($0.0.mongoName, number($0.1)) })))
        case (.boolean, .equals(let v)):
            return condition(field, .bool(v == "true"))
        case (.attribute, .equals(let v)):
            // Attributes keep their JSON types in MongoDB; Elasticsearch indexes them as strings.
            var candidates: [JSONValue] = [.string(v)]
            if NumericText.isNumber(v) { candidates.append(number(v)) }
            if v == "true" || v == "false" { candidates.append(.bool(v == "true")) }
            return condition(field, ["$in": .array(candidates)])
        case (_, .equals(let v)):
            return condition(field, .string(v))
        case (_, .prefix(let v)):
            return .object(JSONObject([.init(field, ["$regex": .string("^" + Self.escape(v))])]))
        case (_, .compare(let op, let v)):
            return compare(field, kind, [(op, v)])
        case (_, .range(let lower, let upper)):
            return compare(field, kind, bounds(lower, upper))
        }
    }

    /// Ordered comparison on a string field: numeric when every bound is a number (converted with
    /// `$convert`, only for canonical decimals), string order otherwise.
    private func compare(_ field: String, _ kind: FieldKind, _ parts: [(Comparison, String)]) -> JSONValue {
        guard !parts.isEmpty else { return [:] }
        guard parts.allSatisfy({ NumericText.isNumber($0.1) }) else {
            return condition(field, .object(JSONObject(parts.map { .init($0.0.mongoName, .string($0.1)) })))
        }
        let converted: JSONValue = ["$convert": ["input": .string("$" + field), "to": "double", "onError": .null, "onNull": .null]]
        var checks: [JSONValue] = [["$ne": [converted, .null]]]
        for (op, bound) in parts { checks.append(.object(JSONObject([.init(op.mongoName, [converted, .double(Double(bound) ?? 0)])]))) }
        let numeric: JSONValue = ["$expr": ["$and": .array(checks)]]
        if kind == .attribute { return numeric }
        return ["$and": [regexCondition(field, "^" + NumericText.pattern + "$", caseInsensitive: false), numeric]]
    }

    // MARK: - Regular expressions for text

    /// Words of a phrase in order, separated by anything that is not a word character.
    static func phrasePattern(_ phrase: String) -> String {
        let words = tokens(phrase)
        guard !words.isEmpty else { return escape(phrase) }
        return "\\b" + words.map(escape).joined(separator: "\\W+") + "\\b"
    }

    static func prefixPattern(_ prefix: String) -> String {
        let words = tokens(prefix)
        guard !words.isEmpty else { return escape(prefix) }
        return "\\b" + words.map(escape).joined(separator: "\\W+")
    }

    /// Splits like a word tokenizer: letters and digits (and `_`) make words.
    static func tokens(_ text: String) -> [String] {
        text.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            if "\\^$.|?*+()[]{}/-".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    // MARK: - Building blocks

    private func regex(_ field: String, _ pattern: String) -> JSONValue {
        regexCondition(field, pattern, caseInsensitive: true)
    }

    private func regexCondition(_ field: String, _ pattern: String, caseInsensitive: Bool) -> JSONValue {
        var body = JSONObject([.init("$regex", .string(pattern))])
        if caseInsensitive { body.append("$options", "i") }
        return .object(JSONObject([.init(field, .object(body))]))
    }

    private func condition(_ field: String, _ value: JSONValue) -> JSONValue {
        .object(JSONObject([.init(field, value)]))
    }

    private func bounds(_ lower: RangeBound?, _ upper: RangeBound?) -> [(Comparison, String)] {
        var parts: [(Comparison, String)] = []
        if let lower { parts.append((lower.comparison(isLower: true), lower.value)) }
        if let upper { parts.append((upper.comparison(isLower: false), upper.value)) }
        return parts
    }

    private func date(_ text: String) -> JSONValue {
        ["$date": .string(Timestamp.format(micros: TimeExpression.resolve(text, nowMicros: nowMicros) ?? nowMicros))]
    }

    private func number(_ text: String) -> JSONValue {
        if let n = Int64(text) { return .int(n) }
        return .double(Double(text) ?? 0)
    }

    private func anyOf(_ queries: [JSONValue]) -> JSONValue {
        queries.count == 1 ? queries[0] : ["$or": .array(queries)]
    }
}
