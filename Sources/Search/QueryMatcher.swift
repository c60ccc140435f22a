import Foundation
public import LogModel

/// Evaluates a `QueryNode` against one stored document in memory (the live tail filters events as
/// the intake accepts them, before any store has them). Same meaning as the MongoDB filter: text
/// by case-insensitive word-boundary regular expressions, numbers in labels only when canonical.
public struct QueryMatcher: Sendable {
    private let test: @Sendable (JSONValue) -> Bool
    /// The least level an event must have to match (`trace` when the query does not bound it): a
    /// live tail skips quieter events with a peek at the stored bytes (``LevelPeek``) instead of a parse.
    public let minimumLevel: Level
    /// The service every matching event has (`service:gate AND …`), nil when the query allows any:
    /// alerting skips other services' events with a peek at the stored bytes.
    public let requiredService: String?
    /// When the query is about the level alone (`level:>=error`, `level:[warning TO error]`): the
    /// levels it matches, so a live tail decides by a peek at the stored level without a parse
    /// (stored levels are always the canonical names). Nil for any other query.
    public let levels: Set<Level>?

    /// A matcher whose relative times (`now-5m`) are resolved once, at `nowMicros` (a live tail's start).
    public init(_ node: QueryNode, nowMicros: Int64) {
        self.init(node, now: { nowMicros })
    }

    /// A matcher built once and used for a long time (an alert route): relative times are resolved by
    /// `now` at each match, so compiling the regular expressions is not paid per event.
    public init(_ node: QueryNode, now: @escaping @Sendable () -> Int64) {
        test = Self.build(node, now: now)
        minimumLevel = Self.minimumLevel(node)
        requiredService = Self.requiredService(node)
        levels = Self.levels(node)
    }

    public func matches(_ document: JSONValue) -> Bool { test(document) }

    static func build(_ node: QueryNode, now: @escaping @Sendable () -> Int64) -> @Sendable (JSONValue) -> Bool {
        switch node {
        case .matchAll:
            return { _ in true }
        case .word(let w), .phrase(let w):
            return textTest(FieldCatalog.textFields, MongoFilterCompiler.phrasePattern(w), words: w)
        case .wordPrefix(let w):
            return textTest(FieldCatalog.textFields, MongoFilterCompiler.prefixPattern(w), words: w)
        case .exists(let field):
            let path = FieldPath(field)
            return { doc in if let v = path.value(in: doc), v != .null { true } else { false } }
        case .and(let terms):
            let tests = terms.map { build($0, now: now) }
            return { doc in tests.allSatisfy { $0(doc) } }
        case .or(let terms):
            let tests = terms.map { build($0, now: now) }
            return { doc in tests.contains { $0(doc) } }
        case .not(let inner):
            let test = build(inner, now: now)
            return { doc in !test(doc) }
        case .field(let field, let predicate):
            return fieldTest(field, predicate, now: now)
        }
    }

    /// Conservative: `trace` wherever the query could match an event of any level.
    static func minimumLevel(_ node: QueryNode) -> Level {
        switch node {
        case .and(let terms):
            return terms.map(minimumLevel).max() ?? .trace
        case .or(let terms):
            return terms.map(minimumLevel).min() ?? .trace
        case .field(let field, let predicate) where FieldCatalog.kind(of: field) == .level:
            let levels: [Level]
            switch predicate {
            case .compare(let op, let v): levels = LevelSet.matching(op, v)
            case .range(let lower, let upper): levels = LevelSet.between(lower, upper)
            case .equals(let v): levels = Level(name: v).map { [$0] } ?? []
            case .prefix: levels = []
            }
            return levels.min() ?? .trace
        default:
            return .trace
        }
    }

    /// The level sets of `fieldTest`'s level cases (an `=` compares the stored name as typed, so
    /// only a canonical name counts), combined; nil as soon as another field or kind of term appears.
    static func levels(_ node: QueryNode) -> Set<Level>? {
        switch node {
        case .field(let field, let predicate) where FieldCatalog.kind(of: field) == .level:
            switch predicate {
            case .compare(let op, let v): return Set(LevelSet.matching(op, v))
            case .range(let lower, let upper): return Set(LevelSet.between(lower, upper))
            case .equals(let v): return Level(name: v).flatMap { $0.name == v ? [$0] : nil }
            case .prefix: return nil
            }
        case .and(let terms):
            let sets = terms.map(levels)
            guard !sets.isEmpty, sets.allSatisfy({ $0 != nil }) else { return nil }
            return sets.compactMap { $0 }.reduce(Set(Level.allCases)) { $0.intersection($1) }
        case .or(let terms):
            let sets = terms.map(levels)
            guard !sets.isEmpty, sets.allSatisfy({ $0 != nil }) else { return nil }
            return sets.compactMap { $0 }.reduce(Set()) { $0.union($1) }
        case .not(let inner):
            return levels(inner).map { Set(Level.allCases).subtracting($0) }
        default:
            return nil
        }
    }

    /// Conservative like `minimumLevel`: nil wherever the query could match an event of another service.
    static func requiredService(_ node: QueryNode) -> String? {
        switch node {
        case .field("service.name", .equals(let name)):
            return name
        case .and(let terms):
            return terms.lazy.compactMap(requiredService).first
        case .or(let terms):
            let names = terms.map(requiredService)
            guard let first = names.first ?? nil, names.allSatisfy({ $0 == first }) else { return nil }
            return first
        default:
            return nil
        }
    }

    static func fieldTest(_ field: String, _ predicate: FieldPredicate, now: @escaping @Sendable () -> Int64) -> @Sendable (JSONValue) -> Bool {
        let kind = FieldCatalog.kind(of: field)
        let path = FieldPath(field)
        switch (kind, predicate) {
        case (.text, .equals(let v)):
            return textTest([field], MongoFilterCompiler.phrasePattern(v), words: v)
        case (.text, .prefix(let v)):
            return textTest([field], MongoFilterCompiler.prefixPattern(v), words: v)
        case (.level, .compare(let op, let v)):
            let names = Set(LevelSet.matching(op, v).map(\.name))
            return { doc in path.value(in: doc)?.stringValue.map(names.contains) ?? false }
        case (.level, .range(let lower, let upper)):
            let names = Set(LevelSet.between(lower, upper).map(\.name))
            return { doc in path.value(in: doc)?.stringValue.map(names.contains) ?? false }
        case (.date, _):
            // Each bound is an instant, or now plus an offset (`now-5m`; one that cannot be read counts as
            // `now`, as the backends do): parsed here once, only `now()` is asked at each match.
            let parts = bounds(predicate).map { op, text -> (op: Comparison, micros: Int64, relative: Bool) in
                let resolved = TimeExpression.resolve(text, nowMicros: 0)
                return (op, resolved ?? 0, resolved == nil || text.hasPrefix("now"))
            }
            let anyRelative = parts.contains { $0.relative }
            return { doc in
                guard let text = path.value(in: doc)?.stringValue, let micros = Timestamp.parse(text) else { return false }
                let millis = micros / 1000 * 1000  // stores keep milliseconds
                let nowMicros = anyRelative ? now() : 0
                return parts.allSatisfy { $0.op.holds(millis, $0.relative ? nowMicros + $0.micros : $0.micros) }
            }
        case (_, .equals(let v)):
            return { doc in
                switch path.value(in: doc) {
                case .string(let s)?: return s == v
                case .int(let n)?: return (kind == .attribute || kind == .number) && Double(v) == Double(n)
                case .double(let d)?: return (kind == .attribute || kind == .number) && Double(v) == d
                case .bool(let b)?: return String(b) == v
                default: return false
                }
            }
        case (_, .prefix(let v)):
            return { doc in path.value(in: doc)?.stringValue?.hasPrefix(v) ?? false }
        case (_, .compare), (_, .range):
            let parts = bounds(predicate)
            if parts.allSatisfy({ NumericText.isNumber($0.1) }) {
                let numeric = parts.map { ($0.0, Double($0.1) ?? 0) }
                return { doc in
                    let number: Double?
                    switch path.value(in: doc) {
                    case .string(let s)?: number = NumericText.isNumber(s) ? Double(s) : nil
                    case .int(let n)? where kind != .keyword: number = Double(n)
                    case .double(let d)? where kind != .keyword: number = d
                    default: number = nil
                    }
                    guard let number else { return false }
                    return numeric.allSatisfy { $0.0.holds(number, $0.1) }
                }
            }
            return { doc in
                guard let s = path.value(in: doc)?.stringValue else { return false }
                return parts.allSatisfy { $0.0.holds(ByteOrder(s), ByteOrder($0.1)) }
            }
        }
    }

    static func bounds(_ predicate: FieldPredicate) -> [(Comparison, String)] {
        switch predicate {
        case .equals(let v): return [(.greaterOrEqual, v), (.lessOrEqual, v)]
        case .prefix: return []
        case .compare(let op, let v): return [(op, v)]
        case .range(let lower, let upper):
            var parts: [(Comparison, String)] = []
            if let lower { parts.append((lower.comparison(isLower: true), lower.value)) }
            if let upper { parts.append((upper.comparison(isLower: false), upper.value)) }
            return parts
        }
    }

    /// `pattern` (built from `words`) searched case-insensitively in the `fields`' text.
    static func textTest(_ fields: [String], _ pattern: String, words: String) -> @Sendable (JSONValue) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return { _ in false } }
        let box = RegexBox(regex)
        let paths = fields.map(FieldPath.init)
        let check = ASCIIWordCheck(MongoFilterCompiler.tokens(words))
        return { doc in
            paths.contains { path in
                guard let text = path.value(in: doc)?.stringValue else { return false }
                // Most texts lack the words: a byte scan says so without the regular expression.
                if let check, check.rulesOut(text) { return false }
                return box.regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            }
        }
    }
}

/// A stored field by its dotted name (`labels.status` is `{"labels": {"status": …}}`), split once
/// when the matcher is built rather than at every event.
struct FieldPath: Sendable {
    let name: String
    let parts: [String]

    init(_ name: String) {
        self.name = name
        parts = name.split(separator: ".").map(String.init)
    }

    func value(in doc: JSONValue) -> JSONValue? {
        if let direct = doc[name] { return direct }
        // A name of one part was just looked up (the walk below would repeat it).
        if parts.count == 1, parts[0] == name { return nil }
        var current: JSONValue? = doc
        for part in parts { current = current?[part] }
        return current
    }
}

/// NSRegularExpression is immutable and documented thread-safe for matching.
private final class RegexBox: @unchecked Sendable {
    let regex: NSRegularExpression
    init(_ regex: NSRegularExpression) { self.regex = regex }
}

/// Keyword order is byte order (Elasticsearch `keyword`, MongoDB's simple collation).
struct ByteOrder: Comparable {
    let bytes: [UInt8]
    init(_ text: String) { bytes = Array(text.utf8) }
    static func < (lhs: ByteOrder, rhs: ByteOrder) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}
