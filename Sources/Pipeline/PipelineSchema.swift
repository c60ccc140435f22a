public import ClientPostgres

/// The pipeline area's PostgreSQL tables: dead letters (2, from before areas had ranges), then 200...
public enum PipelineSchema {
    public static let migrations: [SchemaMigration] = [
        SchemaMigration(version: 2, name: "dead letters", statements: [
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
