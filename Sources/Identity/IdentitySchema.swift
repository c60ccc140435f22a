public import ClientPostgres

/// The identity area's PostgreSQL tables: ingest tokens (1, from before areas had ranges) and the
/// staff tables (100...). Each statement is one SQL statement; a released migration is never edited.
///
/// Times are written by the application from `IdentityClock` (not `now()`), so expiry rules and the
/// times they compare against come from one clock.
public enum IdentitySchema {
    /// Every role name the database accepts; kept in step with `Role` by a test.
    static let roleNames = "'support', 'oncall', 'manager', 'senior_manager', 'admin'"

    public static let migrations: [SchemaMigration] = [
        SchemaMigration(version: 1, name: "ingest tokens", statements: [
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
        SchemaMigration(version: 100, name: "staff users", statements: [
            """
            CREATE TABLE staff_users (
                id                   bigserial PRIMARY KEY,
                email                text NOT NULL CHECK (email <> '' AND length(email) <= 254),
                display_name         text NOT NULL DEFAULT '',
                roles                text[] NOT NULL
                                     CHECK (cardinality(roles) >= 1 AND roles <@ ARRAY[\(roleNames)]::text[]),
                telegram_user_id     bigint UNIQUE,
                disabled             boolean NOT NULL DEFAULT false,
                password_hash        text,
                password_changed_at  timestamptz,
                created_at           timestamptz NOT NULL,
                updated_at           timestamptz NOT NULL
            )
            """,
            // Case-insensitive uniqueness without citext: the application stores e-mails lowercased
            // and looks them up through this index.
            "CREATE UNIQUE INDEX staff_users_email_key ON staff_users (lower(email))",
        ]),
        SchemaMigration(version: 101, name: "staff sessions", statements: [
            """
            CREATE TABLE staff_sessions (
                id             bigserial PRIMARY KEY,
                secret_digest  text NOT NULL UNIQUE,
                user_id        bigint NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
                csrf_token     text NOT NULL,
                created_at     timestamptz NOT NULL,
                last_seen_at   timestamptz NOT NULL,
                client_ip      text NOT NULL DEFAULT '',
                user_agent     text NOT NULL DEFAULT ''
            )
            """,
            "CREATE INDEX staff_sessions_user ON staff_sessions (user_id)",
        ]),
        SchemaMigration(version: 102, name: "personal api tokens", statements: [
            """
            CREATE TABLE staff_personal_tokens (
                id            bigserial PRIMARY KEY,
                user_id       bigint NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
                name          text NOT NULL DEFAULT '',
                scopes        text[] NOT NULL,
                token_prefix  text NOT NULL,
                token_digest  text NOT NULL UNIQUE,
                created_at    timestamptz NOT NULL,
                expires_at    timestamptz,
                last_used_at  timestamptz,
                revoked_at    timestamptz
            )
            """,
            "CREATE INDEX staff_personal_tokens_user ON staff_personal_tokens (user_id)",
        ]),
        SchemaMigration(version: 103, name: "login throttle", statements: [
            // One row per account (`account:<email>`) and per client address (`address:<ip>`); shared
            // by every hub node, so an attacker gains nothing by spreading attempts over nodes.
            """
            CREATE TABLE login_throttle (
                key              text PRIMARY KEY,
                failures         integer NOT NULL DEFAULT 0,
                last_failure_at  timestamptz,
                blocked_until    timestamptz,
                locked_at        timestamptz
            )
            """,
        ]),
        SchemaMigration(version: 104, name: "security audit", statements: [
            """
            CREATE TABLE security_audit (
                id             bigserial PRIMARY KEY,
                at             timestamptz NOT NULL,
                actor_user_id  bigint,
                actor          text NOT NULL,
                action         text NOT NULL CHECK (action ~ '^[a-z_]{1,64}$'),
                target         text NOT NULL DEFAULT '',
                client_ip      text NOT NULL DEFAULT '',
                user_agent     text NOT NULL DEFAULT '',
                details        jsonb NOT NULL DEFAULT '{}'
            )
            """,
            "CREATE INDEX security_audit_actor ON security_audit (actor, id)",
            "CREATE INDEX security_audit_action ON security_audit (action, id)",
            "CREATE INDEX security_audit_at ON security_audit (at)",
            // Append-only in the database itself, whatever the application does: UPDATE, DELETE and
            // TRUNCATE raise. (Only a table owner who drops the triggers can change history; run the
            // hub as a role that does not own the table to close that too.)
            """
            CREATE FUNCTION security_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'security_audit is append-only: % is not allowed', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """,
            """
            CREATE TRIGGER security_audit_append_only BEFORE UPDATE OR DELETE ON security_audit
                FOR EACH ROW EXECUTE FUNCTION security_audit_refuse_change()
            """,
            """
            CREATE TRIGGER security_audit_no_truncate BEFORE TRUNCATE ON security_audit
                FOR EACH STATEMENT EXECUTE FUNCTION security_audit_refuse_change()
            """,
        ]),
        SchemaMigration(version: 105, name: "password reset links", statements: [
            """
            CREATE TABLE staff_password_resets (
                id            bigserial PRIMARY KEY,
                user_id       bigint NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
                token_digest  text NOT NULL UNIQUE,
                created_at    timestamptz NOT NULL,
                expires_at    timestamptz NOT NULL,
                used_at       timestamptz,
                created_by    text NOT NULL
            )
            """,
            "CREATE INDEX staff_password_resets_user ON staff_password_resets (user_id)",
        ]),
        SchemaMigration(version: 106, name: "ingest token usage", statements: [
            """
            CREATE TABLE ingest_token_usage (
                token_id      bigint NOT NULL REFERENCES ingest_tokens (id) ON DELETE CASCADE,
                bucket        timestamptz NOT NULL,
                events        bigint NOT NULL,
                last_used_at  timestamptz NOT NULL,
                PRIMARY KEY (token_id, bucket)
            )
            """,
        ]),
    ]
}
