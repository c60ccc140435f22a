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
        // Fewer round trips per operation: each SQL function below does in one statement what took several.
        SchemaMigration(version: 501, name: "operations: a request and each state change with its audit row in one statement", statements: [
            // Appends one audit row: the chain lock, the last hash (read after the lock: a VOLATILE
            // function's every statement takes a fresh snapshot), the new id and time, and the hash of
            // exactly the bytes `AuditRecord.canonicalContent` hashes — compact JSON, keys in that order,
            // strings escaped by to_json as LogModel's JSONWriter does (\" \\ \b \f \n \r \t, other
            // controls \u00xx) — so `admin audit verify` checks SQL-made and Swift-made rows alike.
            """
            CREATE FUNCTION operations_audit_append(p_operation_id bigint, p_event text, p_actor_id bigint, p_actor text, p_shop_id text,
                                                    p_operation text, p_parameters text, p_approver text, p_comment text,
                                                    p_core_status integer, p_core_answer text)
            RETURNS operations_audit LANGUAGE plpgsql VOLATILE AS $$
            DECLARE
                previous text;
                appended operations_audit;
            BEGIN
                PERFORM pg_advisory_xact_lock(5110020001);
                SELECT a.hash INTO previous FROM operations_audit a ORDER BY a.id DESC LIMIT 1;
                appended.id := nextval('operations_audit_id_seq');
                appended.at_micros := (extract(epoch from clock_timestamp()) * 1000000)::bigint;
                appended.operation_id := p_operation_id;
                appended.event := p_event;
                appended.actor_id := p_actor_id;
                appended.actor := p_actor;
                appended.shop_id := p_shop_id;
                appended.operation := p_operation;
                appended.parameters := p_parameters;
                appended.approver := p_approver;
                appended.comment := p_comment;
                appended.core_status := p_core_status;
                appended.core_answer := p_core_answer;
                appended.previous_hash := coalesce(previous, repeat('0', 64));
                appended.hash := encode(sha256(convert_to(appended.previous_hash
                    || '{"id":' || appended.id::text
                    || ',"at":' || appended.at_micros::text
                    || ',"operation_id":' || coalesce(p_operation_id::text, 'null')
                    || ',"event":' || to_json(p_event)::text
                    || ',"actor_id":' || coalesce(p_actor_id::text, 'null')
                    || ',"actor":' || to_json(p_actor)::text
                    || ',"shop_id":' || coalesce(to_json(p_shop_id)::text, 'null')
                    || ',"operation":' || to_json(p_operation)::text
                    || ',"parameters":' || to_json(p_parameters)::text
                    || ',"approver":' || coalesce(to_json(p_approver)::text, 'null')
                    || ',"comment":' || coalesce(to_json(p_comment)::text, 'null')
                    || ',"core_status":' || coalesce(p_core_status::text, 'null')
                    || ',"core_answer":' || coalesce(to_json(p_core_answer)::text, 'null')
                    || '}', 'UTF8')), 'hex');
                INSERT INTO operations_audit VALUES (appended.*);
                RETURN appended;
            END
            $$
            """,
            // A new request in one statement: under the initiator's lock (held to the end of the statement's
            // transaction, so two tabs or nodes cannot both slip under a limit) whether request_id is taken,
            // the per-user rate limit, the daily cap (money moved or in flight today, UTC, in the request's
            // currency; rejected, expired and failed ones do not count; NULL cap = none), then the row and
            // its `requested` audit row. `outcome`: created | exists | rate_limited | daily_cap_exceeded.
            """
            CREATE FUNCTION operations_submit(p_request_id text, p_idempotency_key text, p_operation text, p_parameters text, p_shop_id text,
                                              p_amount numeric, p_currency text, p_state text, p_needs_approval boolean,
                                              p_initiator_id bigint, p_initiator text, p_approval_ttl_seconds float8,
                                              p_rate_limit integer, p_cap numeric)
            RETURNS TABLE (outcome text, moved_today text, created operations)
            LANGUAGE plpgsql VOLATILE AS $$
            DECLARE
                started bigint;
                stored operations;
            BEGIN
                PERFORM pg_advisory_xact_lock(511002, (p_initiator_id % 2147483647)::int);
                IF EXISTS (SELECT 1 FROM operations o WHERE o.request_id = p_request_id) THEN
                    outcome := 'exists';
                    RETURN NEXT;
                    RETURN;
                END IF;
                SELECT count(*) INTO started FROM operations o
                WHERE o.initiator_id = p_initiator_id AND o.created_at > now() - interval '1 minute';
                IF started >= p_rate_limit THEN
                    outcome := 'rate_limited';
                    RETURN NEXT;
                    RETURN;
                END IF;
                IF p_cap IS NOT NULL THEN
                    SELECT coalesce(sum(abs(o.amount)), 0)::text INTO moved_today FROM operations o
                    WHERE o.initiator_id = p_initiator_id AND o.currency = p_currency AND o.state NOT IN ('rejected', 'expired', 'failed')
                      AND o.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
                    IF moved_today::numeric + abs(p_amount) > p_cap THEN
                        outcome := 'daily_cap_exceeded';
                        RETURN NEXT;
                        RETURN;
                    END IF;
                END IF;
                INSERT INTO operations (request_id, idempotency_key, operation, parameters, shop_id, amount, currency, state, needs_approval,
                                        initiator_id, initiator, expires_at)
                VALUES (p_request_id, p_idempotency_key, p_operation, p_parameters, p_shop_id, p_amount, p_currency, p_state, p_needs_approval,
                        p_initiator_id, p_initiator, CASE WHEN p_needs_approval THEN now() + make_interval(secs => p_approval_ttl_seconds) END)
                ON CONFLICT (request_id) DO NOTHING
                RETURNING * INTO stored;
                IF NOT FOUND THEN
                    outcome := 'exists';
                    RETURN NEXT;
                    RETURN;
                END IF;
                PERFORM operations_audit_append(stored.id, 'requested', stored.initiator_id, stored.initiator, stored.shop_id, stored.operation,
                                                stored.parameters, NULL, CASE WHEN p_needs_approval THEN 'needs approval' END, NULL, NULL);
                outcome := 'created';
                created := stored;
                RETURN NEXT;
            END
            $$
            """,
        ]),
    ]
}
