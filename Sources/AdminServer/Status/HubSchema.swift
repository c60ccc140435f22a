import ClientPostgres

/// The hub's own tables (not an area's): which nodes run. Versions 600-699.
enum HubSchema {
    static let migrations: [SchemaMigration] = [
        SchemaMigration(version: 600, name: "hub nodes", statements: [
            """
            CREATE TABLE hub_nodes (
                node_id     text PRIMARY KEY,
                hostname    text NOT NULL,
                version     text NOT NULL,
                started_at  timestamptz NOT NULL,
                last_seen   timestamptz NOT NULL,
                snapshot    jsonb NOT NULL
            )
            """,
        ]),
    ]
}
