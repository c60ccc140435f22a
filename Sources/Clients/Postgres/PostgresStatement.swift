internal import CLibPQ

/// Runs one statement on a connection with `PQexecParams` (text format in and out) and copies the
/// result into Swift values before `PQclear`. Blocking: call it on a pool thread only.
enum PostgresStatement {
    static func run(_ connection: OpaquePointer, sql: String, parameters: [String?], info: PostgresConnInfo)
        throws(PostgresError) -> PostgresRows
    {
        var cValues: [UnsafeMutablePointer<CChar>?] = []
        cValues.reserveCapacity(parameters.count)
        defer { for value in cValues { free(value) } }
        for (position, parameter) in parameters.enumerated() {
            guard let parameter else {
                cValues.append(nil)
                continue
            }
            // libpq takes text parameters as C strings; PostgreSQL text cannot hold U+0000 either.
            guard !parameter.utf8.contains(0) else {
                throw PostgresError(kind: .invalidInput, sqlState: "22021",
                                    message: "parameter $\(position + 1) contains a NUL character, which PostgreSQL text cannot hold")
            }
            cValues.append(strdup(parameter))
        }
        let result: OpaquePointer? = cValues.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { values in
                PQexecParams(connection, sql, Int32(parameters.count), nil, values.baseAddress, nil, nil, 0)
            }
        }
        guard let result else { throw connectionError(connection, info: info) }
        defer { PQclear(result) }

        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return rows(of: result)
        default:
            throw error(from: result, connection: connection, info: info)
        }
    }

    private static func rows(of result: OpaquePointer) -> PostgresRows {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var columns: [String] = []
        var indexes: [String: Int] = [:]
        for column in 0..<columnCount {
            let name = PQfname(result, Int32(column)).map { String(cString: $0) } ?? "?column?"
            columns.append(name)
            // With duplicate names (`SELECT 1 AS a, 2 AS a`) the first one answers, as in psql's \gset.
            if indexes[name] == nil { indexes[name] = column }
        }
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) != 0 {
                    values.append(nil)
                } else {
                    // Copied now: PQgetvalue's memory belongs to the result, freed by PQclear.
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
            rows.append(PostgresRow(columnIndexes: indexes, values: values))
        }
        let affected = PQcmdTuples(result).map { Int(String(cString: $0)) ?? 0 } ?? 0
        return PostgresRows(columns: columns, rows: rows, rowsAffected: affected)
    }

    private static func error(from result: OpaquePointer, connection: OpaquePointer, info: PostgresConnInfo) -> PostgresError {
        func field(_ code: Int32) -> String? { PQresultErrorField(result, code).map { String(cString: $0) } }
        let sqlState = field(CLIBPQ_DIAG_SQLSTATE)
        let primary = field(CLIBPQ_DIAG_MESSAGE_PRIMARY)
            ?? PQresultErrorMessage(result).map { String(cString: $0).trimmingNewlines }
            ?? "statement failed"
        let broken = PQstatus(connection) != CONNECTION_OK
        return PostgresError(kind: broken ? .connection : .server, sqlState: sqlState, message: info.scrub(primary),
                             detail: field(CLIBPQ_DIAG_MESSAGE_DETAIL).map(info.scrub), constraint: field(CLIBPQ_DIAG_CONSTRAINT_NAME))
    }

    static func connectionError(_ connection: OpaquePointer, info: PostgresConnInfo) -> PostgresError {
        let message = PQerrorMessage(connection).map { String(cString: $0).trimmingNewlines } ?? ""
        return PostgresError(kind: .connection,
                             message: info.scrub(message.isEmpty ? "the connection to \(info.summary) failed" : message))
    }
}
