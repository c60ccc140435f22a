import ClientPostgres

/// The pipeline's PostgreSQL tables: dead letters. Versions 2 and 200-299 (see `SchemaMigration`).
public enum PipelineSchema {
    public static let migrations: [SchemaMigration] = [
        // Released; copied unchanged from the hub's original list.
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
        // A text column cannot hold a NUL byte or invalid UTF-8, and an undecodable spool record can
        // carry both: such a dead letter could never be written and held its sink for good. The
        // payload is kept as bytes from now on; event_json stays (nullable) so rows written by a
        // hub node of the previous version during a rolling upgrade are still read.
        SchemaMigration(version: 200, name: "dead letters keep the payload as bytes", statements: [
            "ALTER TABLE dead_letters ADD COLUMN event_bytes bytea",
            "UPDATE dead_letters SET event_bytes = convert_to(event_json, 'UTF8')",
            "ALTER TABLE dead_letters ALTER COLUMN event_json DROP NOT NULL",
        ]),
        // The dead-letters page filters by service and lets an admin discard letters with a reason.
        SchemaMigration(version: 201, name: "dead letters: service, discarding", statements: [
            "ALTER TABLE dead_letters ADD COLUMN service text",
            "ALTER TABLE dead_letters ADD COLUMN discarded_at timestamptz",
            "ALTER TABLE dead_letters ADD COLUMN discarded_by text",
            "ALTER TABLE dead_letters ADD COLUMN discard_reason text",
            #"UPDATE dead_letters SET service = substring(encode(event_bytes, 'escape') from '"service":\{"name":"([^"\\]*)"')"#,
            "DROP INDEX dead_letters_pending",
            "CREATE INDEX dead_letters_pending ON dead_letters (sink, id) WHERE replayed_at IS NULL AND discarded_at IS NULL",
        ]),
    ]
}
