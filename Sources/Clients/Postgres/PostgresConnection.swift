internal import Synchronization

/// The one connection a `transaction { }` body runs on. Valid only inside that body: every statement
/// goes to the same server session, between the client's BEGIN and its COMMIT or ROLLBACK.
public final class PostgresConnection: Sendable {
    private let client: PostgresClient
    let slot: PostgresConnectionSlot
    private let finished = Mutex(false)

    init(client: PostgresClient, slot: PostgresConnectionSlot) {
        self.client = client
        self.slot = slot
    }

    /// Runs `sql` with `$1...$n` bound to `parameters` (nil = NULL) inside the transaction.
    public func query(_ sql: String, _ parameters: [String?] = []) async throws(PostgresError) -> PostgresRows {
        guard !finished.withLock({ $0 }) else {
            throw PostgresError(kind: .closed, message: "this connection belongs to a transaction that has ended")
        }
        return try await client.run(on: slot, inTransaction: true, sql: sql, parameters: parameters)
    }

    /// Runs a statement without rows inside the transaction; returns the rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) async throws(PostgresError) -> Int {
        try await query(sql, parameters).rowsAffected
    }

    func finish() { finished.withLock { $0 = true } }
}
