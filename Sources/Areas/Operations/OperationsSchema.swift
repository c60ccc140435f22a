import ClientPostgres

/// Operations' tables (versions 500–599).
///
/// `operations`: one row per request, `request_id` (the client's) and `idempotency_key` (ours, sent to
/// CORE) both unique, so two clicks, tabs or nodes make one row and a retry reuses the key.
/// `operations_audit`: append-only and hash-chained; its triggers refuse UPDATE, DELETE and TRUNCATE
/// for everyone, the hub included (a superuser can still disable them: `admin audit verify` finds that).
enum OperationsSchema {
    static let migrations: [SchemaMigration] = [
        SchemaMigration(version: 500, name: "operations and their hash-chained audit", statements: [
            """
            CREATE TABLE operations (
                id               bigserial PRIMARY KEY,
                request_id       text NOT NULL UNIQUE,
                idempotency_key  text NOT NULL UNIQUE,
                operation        text NOT NULL,
                parameters       text NOT NULL,
                shop_id          text,
                amount           numeric,
                currency         text,
                state            text NOT NULL,
                needs_approval   boolean NOT NULL,
                initiator_id     bigint NOT NULL,
                initiator        text NOT NULL,
                approver_id      bigint,
                approver         text,
                decision_comment text,
                decided_at       timestamptz,
                core_status      integer,
                core_answer      text,
                last_error       text,
                attempts         integer NOT NULL DEFAULT 0,
                lease_until      timestamptz,
                next_check_at    timestamptz,
                expires_at       timestamptz,
                created_at       timestamptz NOT NULL DEFAULT now(),
                updated_at       timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX operations_state ON operations (state, id)",
            "CREATE INDEX operations_shop ON operations (shop_id, id DESC)",
            "CREATE INDEX operations_initiator ON operations (initiator_id, created_at)",
            """
            CREATE TABLE operations_audit (
                id            bigserial PRIMARY KEY,
                at_micros     bigint NOT NULL,
                operation_id  bigint,
                event         text NOT NULL,
                actor_id      bigint,
                actor         text NOT NULL,
                shop_id       text,
                operation     text NOT NULL,
                parameters    text NOT NULL,
                approver      text,
                comment       text,
                core_status   integer,
                core_answer   text,
                previous_hash text NOT NULL,
                hash          text NOT NULL
            )
            """,
            "CREATE INDEX operations_audit_shop ON operations_audit (shop_id, id DESC)",
            "CREATE INDEX operations_audit_actor ON operations_audit (actor, id DESC)",
            """
            CREATE FUNCTION operations_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'operations_audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """,
            "CREATE TRIGGER operations_audit_no_update BEFORE UPDATE OR DELETE ON operations_audit FOR EACH ROW EXECUTE FUNCTION operations_audit_refuse()",
            "CREATE TRIGGER operations_audit_no_truncate BEFORE TRUNCATE ON operations_audit FOR EACH STATEMENT EXECUTE FUNCTION operations_audit_refuse()",
        ]),
    ]
}
