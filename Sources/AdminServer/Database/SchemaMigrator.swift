import ClientPostgres
import Identity
import Logging

/// Applies `SchemaMigrations` and then the identity area's `IdentitySchema.migrations` in order, each in its own transaction, under a transaction-level
/// advisory lock so that several hub nodes starting at once apply each migration exactly once.
public struct SchemaMigrator: Sendable {
    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// The hub's own migrations (1, 2, ...) followed by the identity area's (100, ...), in version order.
    static var allMigrations: [SchemaMigrations.Migration] {
        SchemaMigrations.all + IdentitySchema.migrations.map { SchemaMigrations.Migration(version: $0.version, name: $0.name, statements: $0.statements) }
    }

    /// Returns the versions it applied (empty when the schema was current).
    @discardableResult
    public func migrate() async throws -> [Int] {
        _ = try await database.query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            [])
        var applied: [Int] = []
        for migration in Self.allMigrations {
            let didApply = try await database.transaction { connection in
                // Same key on every node: the second node waits here, then sees the version and skips it.
                _ = try await connection.query("SELECT pg_advisory_xact_lock(7264930122)", [])
                let existing = try await connection.query("SELECT 1 FROM schema_migrations WHERE version = $1", [String(migration.version)])
                guard existing.isEmpty else { return false }
                for statement in migration.statements { _ = try await connection.query(statement, []) }
                _ = try await connection.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                         [String(migration.version), migration.name])
                return true
            }
            if didApply {
                applied.append(migration.version)
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
        return applied
    }
}
