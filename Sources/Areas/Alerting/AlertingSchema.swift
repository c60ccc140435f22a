import ClientPostgres

/// Alerting's tables (versions 400–499). Times the state machine reads are Unix milliseconds
/// (`bigint`), so every hub node computes the same decision from the same row.
enum AlertingSchema {
    static let migrations: [SchemaMigration] = [
        SchemaMigration(version: 400, name: "alerting groups, notification log, silences, receiver state", statements: [
            """
            CREATE TABLE alert_groups (
                id               bigserial PRIMARY KEY,
                group_key        text NOT NULL UNIQUE,
                route            text NOT NULL,
                receiver         text NOT NULL,
                fingerprint      text NOT NULL,
                level            text NOT NULL,
                service          text NOT NULL,
                environment      text NOT NULL,
                logger           text NOT NULL DEFAULT '',
                error_type       text,
                message          text NOT NULL DEFAULT '',
                stack_trace      text,
                phase            text NOT NULL DEFAULT 'pending',
                count            bigint NOT NULL DEFAULT 0,
                notified_count   bigint NOT NULL DEFAULT 0,
                first_seen       bigint NOT NULL,
                last_seen        bigint NOT NULL,
                pending_since    bigint NOT NULL,
                critical         boolean NOT NULL DEFAULT false,
                message_id       bigint,
                chat_id          bigint,
                message_sent_at  bigint,
                last_notified_at bigint,
                status_changed   boolean NOT NULL DEFAULT false,
                digest_pending   boolean NOT NULL DEFAULT false,
                acknowledged_by  text,
                acknowledged_at  timestamptz,
                next_check       bigint,
                created_at       timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX alert_groups_due ON alert_groups (next_check) WHERE next_check IS NOT NULL",
            "CREATE INDEX alert_groups_last_seen ON alert_groups (last_seen DESC)",
            """
            CREATE TABLE alert_notifications (
                id         bigserial PRIMARY KEY,
                group_id   bigint REFERENCES alert_groups(id) ON DELETE CASCADE,
                receiver   text NOT NULL,
                chat_id    bigint,
                kind       text NOT NULL,
                message_id bigint,
                outcome    text NOT NULL,
                detail     text,
                at         timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX alert_notifications_chat ON alert_notifications (chat_id, kind, at)",
            "CREATE INDEX alert_notifications_group ON alert_notifications (group_id, at DESC)",
            """
            CREATE TABLE alert_silences (
                id         bigserial PRIMARY KEY,
                matchers   text NOT NULL,
                starts_at  timestamptz NOT NULL DEFAULT now(),
                ends_at    timestamptz NOT NULL,
                comment    text NOT NULL DEFAULT '',
                created_by text NOT NULL,
                expired_at timestamptz,
                expired_by text
            )
            """,
            """
            CREATE TABLE alert_receiver_state (
                receiver     text PRIMARY KEY,
                chat_id      bigint,
                disabled_at  timestamptz,
                reason       text,
                last_digest  bigint
            )
            """,
            """
            CREATE TABLE alert_counters (
                receiver text NOT NULL,
                name     text NOT NULL,
                value    bigint NOT NULL DEFAULT 0,
                PRIMARY KEY (receiver, name)
            )
            """,
            """
            CREATE TABLE alert_dead_letters (
                id         bigserial PRIMARY KEY,
                receiver   text NOT NULL,
                event_id   text NOT NULL,
                status     integer NOT NULL,
                answer     text NOT NULL,
                at         timestamptz NOT NULL DEFAULT now()
            )
            """,
        ]),
        SchemaMigration(version: 401, name: "alerting: Telegram updates seen once, status line of a group's message", statements: [
            "CREATE TABLE alert_telegram_updates (update_id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())",
            "ALTER TABLE alert_groups ADD COLUMN status_note text",
        ]),
        SchemaMigration(version: 402, name: "alerting: events per group and minute (the page's sparklines)", statements: [
            """
            CREATE TABLE alert_group_minutes (
                group_id bigint NOT NULL REFERENCES alert_groups(id) ON DELETE CASCADE,
                minute   bigint NOT NULL,
                count    bigint NOT NULL,
                PRIMARY KEY (group_id, minute)
            )
            """,
        ]),
        SchemaMigration(version: 403, name: "alerting: threshold and absence rules", statements: [
            "ALTER TABLE alert_groups ADD COLUMN resolve_requested boolean NOT NULL DEFAULT false",
            """
            CREATE TABLE alert_heartbeats (
                rule        text NOT NULL,
                key         text NOT NULL,
                service     text NOT NULL,
                environment text NOT NULL,
                last_seen   bigint NOT NULL,
                firing      boolean NOT NULL DEFAULT false,
                PRIMARY KEY (rule, key)
            )
            """,
        ]),
    ]
}
