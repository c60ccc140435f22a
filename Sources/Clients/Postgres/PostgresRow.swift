/// One result row in PostgreSQL's text format. Read values by column name; a column the query did
/// not return is a `decoding` error (a typo must not read as NULL).
public struct PostgresRow: Sendable {
    /// Column name -> position, shared by every row of one result.
    let columnIndexes: [String: Int]
    public let values: [String?]

    public init(columnIndexes: [String: Int], values: [String?]) {
        self.columnIndexes = columnIndexes
        self.values = values
    }

    /// The text value of `column`, nil for NULL.
    public func string(_ column: String) throws(PostgresError) -> String? {
        guard let index = columnIndexes[column] else {
            throw PostgresError(kind: .decoding, message: "the result has no column \"\(column)\" (it has \(columnIndexes.keys.sorted().joined(separator: ", ")))")
        }
        return values[index]
    }

    /// `column` as an integer (int2/int4/int8, or any text of digits), nil for NULL.
    public func int(_ column: String) throws(PostgresError) -> Int? {
        guard let text = try string(column) else { return nil }
        guard let value = Int(text) else { throw mismatch(column, text, "an integer") }
        return value
    }

    /// `column` as a boolean (PostgreSQL's text form `t`/`f`, also `true`/`false`), nil for NULL.
    public func bool(_ column: String) throws(PostgresError) -> Bool? {
        guard let text = try string(column) else { return nil }
        switch text {
        case "t", "true", "TRUE", "1", "on", "yes": return true
        case "f", "false", "FALSE", "0", "off", "no": return false
        default: throw mismatch(column, text, "a boolean")
        }
    }

    /// `column` as a floating-point number (float4/float8/numeric), nil for NULL.
    public func double(_ column: String) throws(PostgresError) -> Double? {
        guard let text = try string(column) else { return nil }
        guard let value = Double(text) else { throw mismatch(column, text, "a number") }
        return value
    }

    private func mismatch(_ column: String, _ text: String, _ expected: String) -> PostgresError {
        PostgresError(kind: .decoding, message: "column \"\(column)\" holds \"\(text.prefix(40))\", not \(expected)")
    }
}
