import ClientPostgres
import Identity
import Foundation

/// Creates, migrates and drops test databases on the server of `ADMIN_TEST_DATABASE_URL`.
enum TestDatabase {
    static func create(_ name: String, base: String) async throws {
        let admin = try PostgresClient(url: base, poolSize: 1)
        let created = await Result(catching: { try await admin.execute("CREATE DATABASE \(name)") })
        await admin.shutdown()
        _ = try created.get()
        let client = try PostgresClient(url: url(base, database: name), poolSize: 1)
        let migrated = await Result(catching: {
            for migration in IdentitySchema.migrations {
                try await client.transaction { connection in
                    for statement in migration.statements { try await connection.execute(statement) }
                }
            }
        })
        await client.shutdown()
        try migrated.get()
    }

    static func drop(_ name: String, base: String) async {
        guard let admin = try? PostgresClient(url: base, poolSize: 1) else { return }
        _ = try? await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        await admin.shutdown()
    }

    /// `base` with its database replaced by `database` (URL or conninfo form).
    static func url(_ base: String, database: String) -> String {
        guard let scheme = base.range(of: "://") else { return base + " dbname=\(database)" }
        let query = base.firstIndex(of: "?").map { String(base[$0...]) } ?? ""
        let withoutQuery = base.firstIndex(of: "?").map { String(base[..<$0]) } ?? base
        let afterScheme = withoutQuery[scheme.upperBound...]
        let authority = afterScheme.firstIndex(of: "/").map { String(afterScheme[..<$0]) } ?? String(afterScheme)
        return String(withoutQuery[..<scheme.upperBound]) + authority + "/" + database + query
    }
}
