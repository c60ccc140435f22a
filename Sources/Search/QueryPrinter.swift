/// Writes a `QueryNode` back as query text that parses to the same node (the round-trip property
/// the parser tests check). Used for the page's normalised query and the access log.
public enum QueryPrinter {
    public static func print(_ node: QueryNode) -> String {
        switch node {
        case .matchAll: return "*"
        case .word(let w): return w
        case .wordPrefix(let w): return w + "*"
        case .phrase(let p): return quoted(p)
        case .exists(let f): return "has:\(f)"
        case .field(let f, let predicate): return "\(f):" + value(predicate)
        case .and(let terms): return terms.map { grouped($0) }.joined(separator: " AND ")
        case .or(let terms): return terms.map { grouped($0) }.joined(separator: " OR ")
        case .not(let inner): return "NOT " + grouped(inner)
        }
    }

    private static func grouped(_ node: QueryNode) -> String {
        switch node {
        case .and, .or: "(" + print(node) + ")"
        default: print(node)
        }
    }

    private static func value(_ predicate: FieldPredicate) -> String {
        switch predicate {
        case .equals(let v): return bareOrQuoted(v)
        case .prefix(let v): return v + "*"
        case .compare(let op, let v): return op.rawValue + bareOrQuoted(v)
        case .range(let lower, let upper):
            let open = (lower?.inclusive ?? true) ? "[" : "{"
            let close = (upper?.inclusive ?? true) ? "]" : "}"
            return open + (lower.map { bareOrQuoted($0.value) } ?? "*") + " TO " + (upper.map { bareOrQuoted($0.value) } ?? "*") + close
        }
    }

    /// Bare where the parser would read the same text back, quoted otherwise.
    static func bareOrQuoted(_ text: String) -> String {
        isBare(text) ? text : quoted(text)
    }

    static func isBare(_ text: String) -> Bool {
        guard let first = text.first, !["AND", "OR", "NOT", "TO"].contains(text) else { return false }
        if "-><[{*".contains(first) { return false }
        return !text.contains { $0.isWhitespace || "()\"*[]{}\\".contains($0) }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for c in text {
            if c == "\"" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "\""
    }
}
