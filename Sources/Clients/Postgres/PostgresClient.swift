internal import CLibPQ
public import Logging
internal import NIOPosix
internal import Synchronization

/// A small pool of PostgreSQL connections (libpq) with async statements.
///
/// Guarantees:
/// - libpq's blocking calls run on this client's own threads, one per connection, never on the
///   caller's thread or an event loop; a task waiting for a free connection holds no thread.
/// - A connection is used by one task at a time (libpq connections are not thread-safe).
/// - Broken connections are replaced before the next statement; a server restart or
///   `pg_terminate_backend` costs at most the statements that were running at that moment.
/// - No error or log line carries the password.
///
/// Call `shutdown()` before dropping the last reference.
public final class PostgresClient: Sendable {
    /// Host, port, database and user (never the password), for logs and errors.
    public let connectionSummary: String

    private let slots: PostgresSlotPool
    private let threadPool: NIOThreadPool
    private let logger: Logger
    private let isOpen = Mutex(true)

    /// Checks `url` and prepares `poolSize` connections (opened lazily, on first use).
    /// - Parameters:
    ///   - url: `postgresql://user:password@host:port/database?sslmode=...` or a conninfo string
    ///     (`host=... dbname=...`); libpq's environment variables (`PGPASSWORD`, ...) and
    ///     `~/.pgpass` apply as usual. `connect_timeout` defaults to 10 s instead of libpq's forever.
    ///   - poolSize: the most statements that run at once.
    public init(url: String, poolSize: Int = 4, applicationName: String = "datamp-admin",
                logger: Logger = Logger(label: "datamp.postgres")) throws(PostgresError) {
        let info = try PostgresConnInfo(url)
        connectionSummary = info.summary
        self.logger = logger
        let size = max(1, poolSize)
        slots = PostgresSlotPool(slots: (0..<size).map { _ in PostgresConnectionSlot(info: info, applicationName: applicationName) })
        threadPool = NIOThreadPool(numberOfThreads: size)
        threadPool.start()
    }

    deinit {
        // Statements hold `self` until they finish, so none can be running here.
        if isOpen.withLock({ $0 }) { threadPool.shutdownGracefully { _ in } }
    }

    /// Runs `sql` with `$1...$n` bound to `parameters` (text; nil = NULL) and returns its rows.
    /// The statement runs in its own implicit transaction on any free connection.
    public func query(_ sql: String, _ parameters: [String?] = []) async throws(PostgresError) -> PostgresRows {
        let slot = try await slots.acquire()
        defer { slots.release(slot) }
        return try await run(on: slot, inTransaction: false, sql: sql, parameters: parameters)
    }

    /// Runs a statement without rows (INSERT, UPDATE, DDL ...); returns the rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) async throws(PostgresError) -> Int {
        try await query(sql, parameters).rowsAffected
    }

    /// Answers when the server accepts a statement (`SELECT 1`), for readiness checks.
    public func ping() async throws(PostgresError) {
        _ = try await query("SELECT 1")
    }

    /// Runs `body` inside BEGIN ... COMMIT on one connection; ROLLBACK when `body` throws (the error is
    /// rethrown) or COMMIT fails. Statements on `connection` must not escape `body`.
    /// Throws `PostgresError` for database failures, or whatever `body` threw.
    public func transaction<T: Sendable>(
        isolation: PostgresIsolation = .readCommitted, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let slot = try await slots.acquire()
        defer { slots.release(slot) }
        _ = try await run(on: slot, inTransaction: false, sql: "BEGIN ISOLATION LEVEL \(isolation.rawValue)", parameters: [])
        let connection = PostgresConnection(client: self, slot: slot)
        defer { connection.finish() }
        let value: T
        do {
            value = try await body(connection)
        } catch {
            await rollback(slot)
            throw error
        }
        do {
            _ = try await run(on: slot, inTransaction: true, sql: "COMMIT", parameters: [])
        } catch {
            await rollback(slot)
            throw error
        }
        return value
    }

    /// Closes every connection; statements already running finish, later ones throw `closed`. Idempotent.
    public func shutdown() async {
        let wasOpen = isOpen.withLock { open -> Bool in
            defer { open = false }
            return open
        }
        guard wasOpen else { return }
        slots.close()
        try? await threadPool.shutdownGracefully()
        for slot in slots.all { slot.close() }
    }

    // MARK: - Internals

    func run(on slot: PostgresConnectionSlot, inTransaction: Bool, sql: String, parameters: [String?])
        async throws(PostgresError) -> PostgresRows
    {
        do {
            return try await threadPool.runIfActive { () throws(PostgresError) -> PostgresRows in
                try slot.run(inTransaction: inTransaction) { (connection) throws(PostgresError) in
                    try PostgresStatement.run(connection, sql: sql, parameters: parameters, info: slot.info)
                }
            }
        } catch let error as PostgresError {
            if error.kind == .connection {
                logger.warning("PostgreSQL connection failed", metadata: ["postgres.server": "\(connectionSummary)", "error": "\(error)"])
            }
            throw error
        } catch {
            throw .closed
        }
    }

    private func rollback(_ slot: PostgresConnectionSlot) async {
        do {
            _ = try await run(on: slot, inTransaction: true, sql: "ROLLBACK", parameters: [])
        } catch {
            // The connection is unusable or still inside the transaction: drop it so the next
            // statement starts on a clean session instead of inheriting an aborted transaction.
            slot.close()
        }
    }
}
