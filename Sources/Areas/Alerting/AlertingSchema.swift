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
        SchemaMigration(version: 404, name: "alerting: limits, Sentry group caps and threshold windows shared by hub nodes", statements: [
            // One row per limiter: a Telegram chat or all chats (token bucket, a group chat's last sends,
            // the end of a 429), a Sentry DSN and category (the end of its rate limit). Times are the
            // database's clock in Unix milliseconds, so nodes with skewed clocks still agree.
            """
            CREATE TABLE alert_limits (
                key           text PRIMARY KEY,
                blocked_until bigint NOT NULL DEFAULT 0,
                tokens        double precision NOT NULL DEFAULT 0,
                refilled_at   bigint NOT NULL DEFAULT 0,
                recent        bigint[] NOT NULL DEFAULT '{}'
            )
            """,
            // Takes a Telegram token for `chat` (1/s per chat, `group_per_minute` in any 60 s for a group chat,
            // `global_per_second` over all chats, nothing while a 429 lasts) in one round trip, or says how
            // many milliseconds to wait. Rows are locked chat first, then global, on every node: no deadlock.
            """
            CREATE FUNCTION alert_telegram_acquire(p_chat bigint, p_global double precision, p_group_per_minute integer,
                                                   p_now bigint DEFAULT NULL) RETURNS bigint LANGUAGE plpgsql AS $$
            DECLARE
                now_ms bigint := COALESCE(p_now, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
                chat_key text := 'telegram:chat:' || p_chat;
                c alert_limits;
                g alert_limits;
                wait bigint := 0;
                c_tokens double precision;
                g_tokens double precision;
                sends bigint[];
            BEGIN
                INSERT INTO alert_limits (key, tokens, refilled_at) VALUES (chat_key, 1, now_ms) ON CONFLICT (key) DO NOTHING;
                INSERT INTO alert_limits (key, tokens, refilled_at) VALUES ('telegram:global', p_global, now_ms) ON CONFLICT (key) DO NOTHING;
                SELECT * INTO c FROM alert_limits WHERE key = chat_key FOR UPDATE;
                SELECT * INTO g FROM alert_limits WHERE key = 'telegram:global' FOR UPDATE;
                IF c.blocked_until > now_ms THEN wait := c.blocked_until - now_ms; END IF;
                c_tokens := LEAST(1.0, c.tokens + GREATEST(0, now_ms - c.refilled_at) / 1000.0);
                IF c_tokens < 1 THEN wait := GREATEST(wait, ceil((1 - c_tokens) * 1000)::bigint); END IF;
                sends := ARRAY(SELECT t FROM unnest(c.recent) AS t WHERE now_ms - t < 60000 ORDER BY t);
                IF p_chat < 0 AND cardinality(sends) >= p_group_per_minute THEN
                    wait := GREATEST(wait, sends[cardinality(sends) - p_group_per_minute + 1] + 60000 - now_ms);
                END IF;
                g_tokens := LEAST(p_global, g.tokens + GREATEST(0, now_ms - g.refilled_at) * p_global / 1000.0);
                IF g_tokens < 1 THEN wait := GREATEST(wait, ceil((1 - g_tokens) * 1000 / p_global)::bigint); END IF;
                IF wait = 0 THEN
                    UPDATE alert_limits SET tokens = c_tokens - 1, refilled_at = now_ms,
                        recent = CASE WHEN p_chat < 0 THEN sends || now_ms ELSE '{}' END
                    WHERE key = chat_key;
                    UPDATE alert_limits SET tokens = g_tokens - 1, refilled_at = now_ms WHERE key = 'telegram:global';
                END IF;
                RETURN wait;
            END
            $$
            """,
            // Events per Sentry group and minute, across nodes, and how many were held back since the last one sent.
            """
            CREATE TABLE alert_sentry_groups (
                group_key  text PRIMARY KEY,
                minute     bigint NOT NULL,
                sent       integer NOT NULL,
                suppressed bigint NOT NULL DEFAULT 0,
                handed     bigint NOT NULL DEFAULT 0
            )
            """,
            // Threshold rules' tumbling windows, counted by every node.
            """
            CREATE TABLE alert_rule_windows (
                rule         text NOT NULL,
                key          text NOT NULL,
                window_start bigint NOT NULL,
                count        bigint NOT NULL,
                PRIMARY KEY (rule, key, window_start)
            )
            """,
        ]),
    ]
}
