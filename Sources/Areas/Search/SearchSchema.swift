import ClientPostgres

/// The search area's tables (versions 300–399): saved searches per user, and the access log of
/// who searched, exported or tailed what (support staff read customers' data; admins audit it).
enum SearchSchema {
    static let migrations: [SchemaMigration] = [
        SchemaMigration(version: 300, name: "search access log and saved searches", statements: [
            """
            CREATE TABLE search_access_log (
                id          bigserial PRIMARY KEY,
                at          timestamptz NOT NULL DEFAULT now(),
                user_id     bigint NOT NULL,
                user_email  text NOT NULL,
                credential  text NOT NULL,
                action      text NOT NULL,
                query       text NOT NULL,
                range_from  timestamptz,
                range_to    timestamptz,
                hits        bigint NOT NULL DEFAULT 0,
                backend     text NOT NULL DEFAULT ''
            )
            """,
            "CREATE INDEX search_access_log_at ON search_access_log (at DESC)",
            "CREATE INDEX search_access_log_user ON search_access_log (user_id, at DESC)",
            """
            CREATE TABLE saved_searches (
                id          bigserial PRIMARY KEY,
                user_id     bigint NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
                name        text NOT NULL,
                query       text NOT NULL,
                range_from  text NOT NULL,
                range_to    text NOT NULL,
                created_at  timestamptz NOT NULL DEFAULT now(),
                UNIQUE (user_id, name)
            )
            """,
        ]),
    ]
}
