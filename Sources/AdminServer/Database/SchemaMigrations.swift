/// The PostgreSQL schema, as an ordered list of migrations. A migration is never edited once
/// released: add a new one. Each area's tables are named for it.
enum SchemaMigrations {
    struct Migration {
        let version: Int
        let name: String
        let statements: [String]
    }

    static let all: [Migration] = [
        Migration(version: 1, name: "ingest tokens", statements: [
            """
            CREATE TABLE ingest_tokens (
                id            bigserial PRIMARY KEY,
                service       text NOT NULL,
                scopes        text[] NOT NULL DEFAULT '{ingest}',
                description   text NOT NULL DEFAULT '',
                token_prefix  text NOT NULL,
                token_digest  text NOT NULL UNIQUE,
                created_at    timestamptz NOT NULL DEFAULT now(),
                revoked_at    timestamptz
            )
            """,
            "CREATE INDEX ingest_tokens_service ON ingest_tokens (service)",
        ]),
        Migration(version: 2, name: "dead letters", statements: [
            """
            CREATE TABLE dead_letters (
                id                bigserial PRIMARY KEY,
                sink              text NOT NULL,
                event_id          text NOT NULL,
                reason            text NOT NULL,
                attempts          integer NOT NULL DEFAULT 0,
                timestamp_millis  bigint NOT NULL,
                event_json        text NOT NULL,
                created_at        timestamptz NOT NULL DEFAULT now(),
                replayed_at       timestamptz,
                replay_count      integer NOT NULL DEFAULT 0
            )
            """,
            "CREATE INDEX dead_letters_pending ON dead_letters (sink, id) WHERE replayed_at IS NULL",
        ]),
    ]
}
