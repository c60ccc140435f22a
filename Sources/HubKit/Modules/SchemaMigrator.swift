public import ClientPostgres
public import Logging

/// Applies the modules' migrations in version order, each in its own transaction, under a
/// transaction-level advisory lock so that several hub nodes starting at once apply each migration
/// exactly once. Versions are global (see `SchemaMigration` for each area's range).
public struct SchemaMigrator: Sendable {
    let database: PostgresClient
    let migrations: [SchemaMigration]
    let logger: Logger

    /// `migrations` from every module; two with one version are a programming error caught at start-up.
    public init(database: PostgresClient, migrations: [SchemaMigration], logger: Logger) {
        self.database = database
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
        for (earlier, later) in zip(self.migrations, self.migrations.dropFirst()) {
            precondition(earlier.version != later.version,
                         "two migrations have version \(later.version) ('\(earlier.name)' and '\(later.name)'): give each area its own range")
        }
    }

    /// Returns the versions it applied (empty when the schema was current).
    @discardableResult
    public func migrate() async throws -> [Int] {
        _ = try await database.query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            [])
        var applied: [Int] = []
        for migration in migrations {
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
