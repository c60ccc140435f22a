internal import CLibPQ
internal import Synchronization

/// One `PGconn`, used by one task at a time: libpq connections are not thread-safe, so the slot is
/// checked out of `PostgresSlotPool` before use and the connection only ever lives inside the Mutex.
///
/// Reconnects by itself: a connection that broke (server restart, `pg_terminate_backend`, network)
/// is replaced before the next statement, and a statement the server refused only because an
/// administrator had just ended the idle session (SQLSTATE 57P01-57P03, nothing ran) is sent once more
/// on a new connection, outside transactions only.
final class PostgresConnectionSlot: Sendable {
    private let connection = Mutex<OpaquePointer?>(nil)
    private let events = PostgresSessionEvents()
    let info: PostgresConnInfo
    private let applicationName: String

    init(info: PostgresConnInfo, applicationName: String) {
        self.info = info
        self.applicationName = applicationName
    }

    deinit { close() }

    /// Runs `body` on a healthy connection. Blocking: call it on a pool thread only.
    /// - Parameter inTransaction: the statement belongs to an open transaction, so the connection must
    ///   be the same one (never replaced) and nothing is retried.
    func run<T: Sendable>(inTransaction: Bool, _ body: (OpaquePointer) throws(PostgresError) -> T) throws(PostgresError) -> T {
        try connection.withLock { (current: inout OpaquePointer?) throws(PostgresError) -> T in
            if inTransaction {
                guard let conn = current, PQstatus(conn) == CONNECTION_OK else {
                    throw PostgresError(kind: .connection, message: "the connection broke during the transaction; it was rolled back")
                }
                return try body(conn)
            }
            let conn = try healthy(&current)
            do throws(PostgresError) {
                return try body(conn)
            } catch where error.kind == .connection && ((error.sqlState?.hasPrefix("57P") ?? false) || events.sessionEndedByServer) {
                // The server announced it was ending this idle session (restart, pg_terminate_backend)
                // before it read the statement; the statement did not run, so sending it again is safe.
                let fresh = try reconnect(&current)
                return try body(fresh)
            }
        }
    }

    /// Closes the connection (the next `run` opens a new one).
    func close() {
        connection.withLock { current in
            if let conn = current { PQfinish(conn) }
            current = nil
        }
    }

    /// The current connection if it is usable and idle, else a new one.
    private func healthy(_ current: inout OpaquePointer?) throws(PostgresError) -> OpaquePointer {
        if let conn = current, isAliveAndIdle(conn) { return conn }
        return try reconnect(&current)
    }

    /// Reads whatever the server sent while the connection sat idle (without blocking): a FATAL
    /// notice and the end of the stream mean the session is gone and must not carry the next statement.
    private func isAliveAndIdle(_ conn: OpaquePointer) -> Bool {
        for _ in 0..<4 {
            guard PQstatus(conn) == CONNECTION_OK, !events.sessionEndedByServer else { return false }
            switch clibpq_socket_readable(conn) {
            case 0: return PQtransactionStatus(conn) == PQTRANS_IDLE
            case 1: if PQconsumeInput(conn) == 0 { return false }
            default: return false
            }
        }
        return PQstatus(conn) == CONNECTION_OK && !events.sessionEndedByServer && PQtransactionStatus(conn) == PQTRANS_IDLE
    }

    private func reconnect(_ current: inout OpaquePointer?) throws(PostgresError) -> OpaquePointer {
        if let conn = current { PQfinish(conn) }
        current = nil
        events.reset()
        let conn = try Self.connect(info, applicationName: applicationName)
        events.install(on: conn)
        current = conn
        return conn
    }

    private static func connect(_ info: PostgresConnInfo, applicationName: String) throws(PostgresError) -> OpaquePointer {
        // Defaults come before "dbname" (the URL, expanded because expand_dbname = 1) so that the URL's
        // own connect_timeout / application_name / gssencmode win. libpq's default connect timeout is
        // infinite. gssencmode=disable: libpq's default ("prefer") loads Kerberos to look for a ticket
        // on every connect, and Kerberos' exit-time clean-up then races the pool's threads — a CLI
        // command crashed at exit with "k5_mutex_unlock: Assertion `r == 0' failed" after its work was
        // done. Set gssencmode in the URL to use GSSAPI encryption.
        let keywords = ["connect_timeout", "application_name", "gssencmode", "dbname"]
        let values = ["10", applicationName, "disable", info.raw]
        let cKeywords = keywords.map { strdup($0) }
        let cValues = values.map { strdup($0) }
        defer {
            cKeywords.forEach { free($0) }
            cValues.forEach { free($0) }
        }
        let kw: [UnsafePointer<CChar>?] = cKeywords.map { $0.map { UnsafePointer($0) } } + [nil]
        let vals: [UnsafePointer<CChar>?] = cValues.map { $0.map { UnsafePointer($0) } } + [nil]
        guard let conn = PQconnectdbParams(kw, vals, 1) else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection to \(info.summary)")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let error = PostgresStatement.connectionError(conn, info: info)
            PQfinish(conn)
            throw error
        }
        return conn
    }
}
