/// PostgreSQL array literals (`{"a","b",NULL}`) for passing a batch as one text parameter to
/// `unnest($1::text[], …)`: every element quoted, `\` and `"` escaped, nil as NULL.
enum PostgresArrayLiteral {
    static func of(_ values: [String?]) -> String {
        var out = "{"
        for (i, value) in values.enumerated() {
            if i > 0 { out += "," }
            guard let value else {
                out += "NULL"
                continue
            }
            out += "\""
            for ch in value.unicodeScalars {
                if ch == "\\" || ch == "\"" { out += "\\" }
                out.unicodeScalars.append(ch)
            }
            out += "\""
        }
        return out + "}"
    }

    static func of(_ values: [String]) -> String { of(values.map { Optional($0) }) }
    static func of(_ values: [Int64]) -> String { "{" + values.map(String.init).joined(separator: ",") + "}" }
    static func of(_ values: [Bool]) -> String { "{" + values.map { $0 ? "t" : "f" }.joined(separator: ",") + "}" }
}
