import ClientPostgres
import Pipeline
import TestSupport
import Foundation

/// A throw-away database per test on the server of `ADMIN_TEST_DATABASE_URL`, migrated with the
/// pipeline's migrations (all of them, or those up to `through`).
enum PipelineTestDatabase {
    static func create(through lastVersion: Int = .max) async throws -> (client: PostgresClient, drop: () async -> Void) {
        let base = try StandIns.requirePostgres()
        let name = StandIns.uniqueName("pipeline")
        let admin = try PostgresClient(url: base, poolSize: 1)
        do {
            _ = try await admin.execute("CREATE DATABASE \(name)")
        } catch {
            await admin.shutdown()
            throw error
        }
        await admin.shutdown()
        let client = try PostgresClient(url: url(base, database: name), poolSize: 2)
        try await migrate(client, versions: Int.min...lastVersion)
        return (client, {
            await client.shutdown()
            guard let admin = try? PostgresClient(url: base, poolSize: 1) else { return }
            _ = try? await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            await admin.shutdown()
        })
    }

    static func migrate(_ client: PostgresClient, versions: ClosedRange<Int>) async throws {
        for migration in PipelineSchema.migrations where versions.contains(migration.version) {
            try await client.transaction { connection in
                for statement in migration.statements { try await connection.execute(statement) }
            }
        }
    }

    /// `base` with its database replaced by `database` (URL or conninfo form).
    private static func url(_ base: String, database: String) -> String {
        guard let scheme = base.range(of: "://") else { return base + " dbname=\(database)" }
        let query = base.firstIndex(of: "?").map { String(base[$0...]) } ?? ""
        let withoutQuery = base.firstIndex(of: "?").map { String(base[..<$0]) } ?? base
        let afterScheme = withoutQuery[scheme.upperBound...]
        let authority = afterScheme.firstIndex(of: "/").map { String(afterScheme[..<$0]) } ?? String(afterScheme)
        return String(withoutQuery[..<scheme.upperBound]) + authority + "/" + database + query
    }
}
