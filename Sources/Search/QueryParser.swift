import LogModel

/// Reads the query language (README, "Search" section) into a `QueryNode`. Scannerless recursive
/// descent over the characters, so every error can name the 1-based column where it went wrong:
///
///     query   := or
///     or      := and ("OR" and)*
///     and     := unary (["AND"] unary)*          -- AND is the default between terms
///     unary   := "NOT" unary | "-" unary | primary
///     primary := "(" or ")" | "\"phrase\"" | name ":" value | word | word "*"
///     value   := "\"text\"" | (">"|">="|"<"|"<=") atom | ("["|"{") atom "TO" atom ("]"|"}") | atom | atom "*"
///
/// User text is never handed to Elasticsearch's `query_string`: the compilers build the store's
/// queries from the tree.
public struct QueryParser {
    /// Longer queries are refused rather than parsed (a query is typed by a person).
    public static let maximumLength = 4096
    static let maximumDepth = 64

    private let chars: [Character]
    private var index = 0
    private var depth = 0

    public static func parse(_ text: String) throws(QueryError) -> QueryNode {
        var parser = QueryParser(chars: Array(text))
        guard parser.chars.count <= maximumLength else {
            throw QueryError(position: maximumLength + 1, "the query is longer than \(maximumLength) characters")
        }
        parser.skipSpace()
        if parser.atEnd { return .matchAll }
        let node = try parser.parseOr()
        parser.skipSpace()
        if !parser.atEnd {
            if parser.chars[parser.index] == ")" { throw parser.error("unexpected ')' without a matching '('") }
            throw parser.error("unexpected '\(parser.chars[parser.index])'")
        }
        return node
    }

    private init(chars: [Character]) { self.chars = chars }

    // MARK: - Boolean structure

    private mutating func parseOr() throws(QueryError) -> QueryNode {
        var terms = [try parseAnd()]
        while true {
            skipSpace()
            guard atKeyword("OR") else { break }
            index += 2
            skipSpace()
            guard startsTerm else { throw error("expected a term after 'OR'") }
            terms.append(try parseAnd())
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private mutating func parseAnd() throws(QueryError) -> QueryNode {
        var terms = [try parseUnary()]
        while true {
            skipSpace()
            if atEnd || chars[index] == ")" || atKeyword("OR") { break }
            if atKeyword("AND") {
                index += 3
                skipSpace()
                guard startsTerm else { throw error("expected a term after 'AND'") }
            }
            terms.append(try parseUnary())
        }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    private mutating func parseUnary() throws(QueryError) -> QueryNode {
        skipSpace()
        if atKeyword("NOT") {
            index += 3
            skipSpace()
            guard startsTerm else { throw error("expected a term after 'NOT'") }
            return .not(try nested { (p: inout QueryParser) throws(QueryError) in try p.parseUnary() })
        }
        if !atEnd, chars[index] == "-" {
            index += 1
            guard !atEnd, !chars[index].isWhitespace else { throw error("expected a term right after '-'") }
            return .not(try nested { (p: inout QueryParser) throws(QueryError) in try p.parseUnary() })
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(QueryError) -> QueryNode {
        guard !atEnd else { throw error("expected a term") }
        let c = chars[index]
        if c == "(" {
            let open = index
            index += 1
            skipSpace()
            guard !atEnd, chars[index] != ")" else { throw error("expected a term inside '( )'") }
            let inner = try nested { (p: inout QueryParser) throws(QueryError) in try p.parseOr() }
            skipSpace()
            guard !atEnd, chars[index] == ")" else { throw error("expected ')' to close the '(' at position \(open + 1)") }
            index += 1
            return inner
        }
        if c == ")" { throw error("unexpected ')' without a matching '('") }
        if atKeyword("AND") || atKeyword("OR") { throw error("'\(atKeyword("AND") ? "AND" : "OR")' needs a term on each side") }
        if c == "\"" {
            let phrase = try readQuoted()
            guard phrase.contains(where: { !$0.isWhitespace }) else { throw QueryError(position: index, "empty phrase") }
            return .phrase(phrase)
        }
        let start = index
        let text = readRun { !$0.isWhitespace && !"()\":".contains($0) }
        if !atEnd, chars[index] == ":" {
            return try parseField(name: text, nameStart: start)
        }
        return try freeWord(text, at: start)
    }

    private func freeWord(_ text: String, at start: Int) throws(QueryError) -> QueryNode {
        if text == "*" { return .matchAll }
        if text.hasPrefix("*") {
            throw QueryError(position: start + 1, "leading wildcards are not supported ('\(text)'): put the '*' at the end of a word")
        }
        if let star = text.firstIndex(of: "*") {
            guard star == text.index(before: text.endIndex) else {
                throw QueryError(position: start + text.distance(from: text.startIndex, to: star) + 1, "only a trailing '*' wildcard is supported")
            }
            return .wordPrefix(String(text.dropLast()))
        }
        return .word(text)
    }

    // MARK: - field:value

    private mutating func parseField(name: String, nameStart: Int) throws(QueryError) -> QueryNode {
        guard !name.isEmpty else { throw QueryError(position: nameStart + 1, "expected a field name before ':'") }
        if let bad = name.firstIndex(where: { !Self.isNameCharacter($0) }) {
            throw QueryError(position: nameStart + name.distance(from: name.startIndex, to: bad) + 1,
                             "'\(name[bad])' cannot appear in a field name (quote the whole term to search for it)")
        }
        index += 1  // ':'
        guard startsValue else { throw error("expected a value after '\(name):'") }
        if name == "has" {
            let start = index
            let field = readRun(Self.isNameCharacter)
            guard !field.isEmpty else { throw error("expected a field name after 'has:'") }
            guard atEnd || chars[index].isWhitespace || chars[index] == ")" else {
                throw error("'\(chars[index])' cannot appear in a field name")
            }
            _ = start
            return .exists(FieldCatalog.resolve(field))
        }
        let field = FieldCatalog.resolve(name)
        let kind = FieldCatalog.kind(of: field)
        let c = chars[index]
        if c == ">" || c == "<" {
            var op = String(c)
            index += 1
            if !atEnd, chars[index] == "=" {
                op += "="
                index += 1
            }
            guard startsValue else { throw error("expected a value after '\(name):\(op)'") }
            let start = index
            let value = try readAtom(stoppingAt: "")
            return .field(field, .compare(Comparison(rawValue: op)!, try check(value.text, for: field, kind, at: start, ordered: true)))
        }
        if c == "[" || c == "{" {
            return .field(field, try parseRange(field: field, kind: kind))
        }
        let start = index
        if c == "\"" {
            let value = try readQuoted()
            return .field(field, .equals(try check(value, for: field, kind, at: start, ordered: false)))
        }
        let value = readRun { !$0.isWhitespace && !"()\"".contains($0) }
        if value.hasPrefix("*") {
            throw QueryError(position: start + 1, "leading wildcards are not supported ('\(name):\(value)'): put the '*' at the end")
        }
        if let star = value.firstIndex(of: "*") {
            guard star == value.index(before: value.endIndex) else {
                throw QueryError(position: start + value.distance(from: value.startIndex, to: star) + 1, "only a trailing '*' wildcard is supported")
            }
            guard [.keyword, .text, .attribute, .level].contains(kind) else {
                throw QueryError(position: start + 1, "wildcards are not supported on '\(field)'")
            }
            return .field(field, .prefix(String(value.dropLast())))
        }
        return .field(field, .equals(try check(value, for: field, kind, at: start, ordered: false)))
    }

    private mutating func parseRange(field: String, kind: FieldKind) throws(QueryError) -> FieldPredicate {
        let lowerInclusive = chars[index] == "["
        index += 1
        skipSpace()
        let lowerStart = index
        guard startsValue else { throw error("expected a lower bound (or '*') after '\(lowerInclusive ? "[" : "{")'") }
        let lower = try readAtom(stoppingAt: "]}")
        skipSpace()
        guard atWord("TO") else { throw error("expected 'TO' between the bounds of a range") }
        index += 2
        skipSpace()
        let upperStart = index
        guard startsValue, chars[index] != "]", chars[index] != "}" else { throw error("expected an upper bound (or '*') after 'TO'") }
        let upper = try readAtom(stoppingAt: "]}")
        skipSpace()
        guard !atEnd, chars[index] == "]" || chars[index] == "}" else { throw error("expected ']' or '}' to close the range") }
        let upperInclusive = chars[index] == "]"
        index += 1
        let lowerBound = lower.isOpen ? nil : RangeBound(try check(lower.text, for: field, kind, at: lowerStart, ordered: true), inclusive: lowerInclusive)
        let upperBound = upper.isOpen ? nil : RangeBound(try check(upper.text, for: field, kind, at: upperStart, ordered: true), inclusive: upperInclusive)
        return .range(lower: lowerBound, upper: upperBound)
    }

    /// Validates (and for levels normalises) a value against the field's kind, so a bad value is
    /// reported where it was typed rather than by the store.
    private func check(_ value: String, for field: String, _ kind: FieldKind, at start: Int, ordered: Bool) throws(QueryError) -> String {
        switch kind {
        case .level:
            guard let level = Level(parsing: value) else {
                throw QueryError(position: start + 1, "unknown level '\(value)' (levels: \(Level.allCases.map(\.name).joined(separator: ", ")))")
            }
            return level.name
        case .date:
            guard TimeExpression.resolve(value, nowMicros: 0) != nil else {
                throw QueryError(position: start + 1, "'\(value)' is not a time: use RFC 3339 (2026-11-25T10:05:00Z) or now-15m, now-24h, now-7d")
            }
            return value
        case .number:
            guard Double(value) != nil else { throw QueryError(position: start + 1, "'\(field)' holds numbers; '\(value)' is not one") }
            return value
        case .boolean:
            guard value == "true" || value == "false" else { throw QueryError(position: start + 1, "'\(field)' is true or false") }
            return value
        case .text:
            if ordered { throw QueryError(position: start + 1, "'\(field)' holds text: comparisons and ranges do not apply (use words, phrases or a trailing '*')") }
            return value
        case .keyword, .attribute:
            return value
        }
    }

    // MARK: - Characters

    private struct Atom {
        var text: String
        var isOpen: Bool
    }

    /// A bound or comparison operand: quoted, or bare up to whitespace, a parenthesis or `stops`.
    private mutating func readAtom(stoppingAt stops: String) throws(QueryError) -> Atom {
        if chars[index] == "\"" { return Atom(text: try readQuoted(), isOpen: false) }
        let start = index
        let text = readRun { !$0.isWhitespace && !"()\"".contains($0) && !stops.contains($0) }
        if text == "*" { return Atom(text: text, isOpen: true) }
        if text.contains("*") { throw QueryError(position: start + 1, "wildcards are not supported in comparisons and ranges") }
        return Atom(text: text, isOpen: false)
    }

    /// A `"…"` string with `\"` and `\\` escapes; the index is on the opening quote.
    private mutating func readQuoted() throws(QueryError) -> String {
        let open = index
        index += 1
        var text = ""
        while !atEnd {
            let c = chars[index]
            if c == "\"" {
                index += 1
                return text
            }
            if c == "\\", index + 1 < chars.count {
                text.append(chars[index + 1])
                index += 2
                continue
            }
            text.append(c)
            index += 1
        }
        throw QueryError(position: open + 1, "unterminated quote: add the closing '\"'")
    }

    private mutating func skipSpace() {
        while !atEnd, chars[index].isWhitespace { index += 1 }
    }

    private mutating func readRun(_ accepts: (Character) -> Bool) -> String {
        let start = index
        while !atEnd, accepts(chars[index]) { index += 1 }
        return String(chars[start..<index])
    }

    private mutating func nested(_ body: (inout QueryParser) throws(QueryError) -> QueryNode) throws(QueryError) -> QueryNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw error("the query nests more than \(Self.maximumDepth) levels deep") }
        return try body(&self)
    }

    static func isNameCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || "_.@-".contains(c))
    }

    private var atEnd: Bool { index >= chars.count }
    private var startsTerm: Bool { !atEnd && chars[index] != ")" }
    private var startsValue: Bool { !atEnd && !chars[index].isWhitespace && chars[index] != ")" }

    /// `word` at the index, followed by a boundary (so `ORDER` is not `OR`).
    private func atWord(_ word: String) -> Bool {
        let w = Array(word)
        guard index + w.count <= chars.count, Array(chars[index..<index + w.count]) == w else { return false }
        let after = index + w.count
        return after == chars.count || chars[after].isWhitespace || "()\"]}".contains(chars[after])
    }

    private func atKeyword(_ word: String) -> Bool { atWord(word) }

    private func error(_ reason: String) -> QueryError { QueryError(position: index + 1, reason) }
}
