/// The result of one statement: column names, rows of text values (`nil` for SQL NULL), and how many
/// rows an INSERT/UPDATE/DELETE touched. Values are copied out of libpq, so they outlive the result.
public struct PostgresRows: Sendable, RandomAccessCollection {
    public let columns: [String]
    public let rows: [PostgresRow]
    /// Rows inserted, updated, deleted, selected, ... as the server reported (`PQcmdTuples`); 0 when none.
    public let rowsAffected: Int

    public init(columns: [String], rows: [PostgresRow], rowsAffected: Int) {
        self.columns = columns
        self.rows = rows
        self.rowsAffected = rowsAffected
    }

    public var startIndex: Int { rows.startIndex }
    public var endIndex: Int { rows.endIndex }
    public subscript(position: Int) -> PostgresRow { rows[position] }
}
