import ClientPostgres
import Foundation

/// Something that runs one statement: the pool, or the one connection of a transaction. Stores take
/// it so that a change and its security-audit row commit together (`UserAdministration`).
protocol SQLExecutor: Sendable {
    func query(_ sql: String, _ parameters: [String?]) async throws(PostgresError) -> PostgresRows
}

extension PostgresClient: SQLExecutor {}
extension PostgresConnection: SQLExecutor {}
