import Alerting
import ClientPostgres
import LogModel

extension AlertStore.GroupDelta {
    /// The text stored for the group: the error's message when there is an error type (4,000 characters at most).
    var storedMessage: String {
        String(sample.errorType != nil ? (sample.errorMessage ?? sample.message).prefix(4000) : sample.message.prefix(4000))
    }

    /// The stack's last 20,000 characters (the crashing frames).
    var storedStack: String? { sample.stackTrace.map { String($0.suffix(20_000)) } }
}

extension AlertStore {
    /// Adds a spool batch's events to their groups in one transaction of at most four statements,
    /// however many groups the batch touched: new groups inserted, existing ones locked, observed by
    /// `AlertGroupMachine` and written back, the per-minute counts added. One statement per group
    /// cost PostgreSQL more CPU than the intake itself on a small machine (README, benchmark).
    /// Keys are taken in order so two nodes recording overlapping batches never deadlock.
    func record(_ deltas: [GroupDelta], now: Int64) async throws {
        var unique: [String: GroupDelta] = [:]
        var repeated: [GroupDelta] = []
        for delta in deltas {
            if unique[delta.key] == nil { unique[delta.key] = delta } else { repeated.append(delta) }
        }
        let sorted = unique.values.sorted { $0.key < $1.key }
        guard !sorted.isEmpty else { return }
        try await database.transaction { c in
            let inserted = try await c.query("""
                INSERT INTO alert_groups (group_key, route, receiver, fingerprint, level, service, environment, logger, error_type, message,
                                          stack_trace, count, first_seen, last_seen, pending_since, critical, next_check)
                SELECT k, r, rc, f, l, s, e, lg, et, m, st, n, fs, ls, fs, cr, $16::bigint
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                            $10::text[], $11::text[], $12::bigint[], $13::bigint[], $14::bigint[], $15::boolean[])
                     AS v(k, r, rc, f, l, s, e, lg, et, m, st, n, fs, ls, cr)
                ORDER BY k
                ON CONFLICT (group_key) DO NOTHING RETURNING id, group_key
                """, [
                    PostgresArrayLiteral.of(sorted.map(\.key)), PostgresArrayLiteral.of(sorted.map(\.route.path)),
                    PostgresArrayLiteral.of(sorted.map(\.route.receiver)), PostgresArrayLiteral.of(sorted.map(\.fingerprint)),
                    PostgresArrayLiteral.of(sorted.map(\.sample.level.name)), PostgresArrayLiteral.of(sorted.map(\.sample.service)),
                    PostgresArrayLiteral.of(sorted.map(\.sample.environment)), PostgresArrayLiteral.of(sorted.map(\.sample.logger)),
                    PostgresArrayLiteral.of(sorted.map(\.sample.errorType)), PostgresArrayLiteral.of(sorted.map(\.storedMessage)),
                    PostgresArrayLiteral.of(sorted.map(\.storedStack)), PostgresArrayLiteral.of(sorted.map(\.count)),
                    PostgresArrayLiteral.of(sorted.map(\.first)), PostgresArrayLiteral.of(sorted.map(\.last)),
                    PostgresArrayLiteral.of(sorted.map(\.critical)), String(now),
                ])
            var ids: [String: Int64] = [:]
            for row in inserted {
                if let key = try row.string("group_key"), let id = try row.int("id") { ids[key] = Int64(id) }
            }
            let existing = sorted.filter { ids[$0.key] == nil }
            if !existing.isEmpty {
                let rows = try await c.query(
                    "SELECT group_key, \(AlertGroupRow.columns) FROM alert_groups WHERE group_key = ANY($1::text[]) ORDER BY group_key FOR UPDATE",
                    [PostgresArrayLiteral.of(existing.map(\.key))])
                var update: (ids: [Int64], counts: [Int64], last: [Int64], phases: [String], pending: [Int64], critical: [Bool],
                             reopened: [Bool], levels: [String], messages: [String], stacks: [String?]) = ([], [], [], [], [], [], [], [], [], [])
                for row in rows {
                    guard let key = try row.string("group_key"), let delta = unique[key] else { continue }
                    let group = try AlertGroupRow(row)
                    ids[key] = group.id
                    let next = AlertGroupMachine.observe(group.state, count: delta.count, at: delta.last, critical: delta.critical)
                    update.ids.append(group.id)
                    update.counts.append(next.count)
                    update.last.append(next.lastSeen)
                    update.phases.append(next.phase.rawValue)
                    update.pending.append(next.pendingSince)
                    update.critical.append(next.critical)
                    // A group that fires again starts a new episode: its acknowledgement ends, the newest text shows.
                    update.reopened.append(group.state.phase == .resolved)
                    update.levels.append(delta.sample.level.name)
                    update.messages.append(delta.storedMessage)
                    update.stacks.append(delta.storedStack)
                }
                if !update.ids.isEmpty {
                    try await c.execute("""
                        UPDATE alert_groups g SET count = v.n, last_seen = v.ls, phase = v.ph, pending_since = v.ps, critical = v.cr,
                            level = CASE WHEN v.wr THEN v.l ELSE g.level END, message = CASE WHEN v.wr THEN v.m ELSE g.message END,
                            stack_trace = CASE WHEN v.wr THEN v.st ELSE g.stack_trace END,
                            acknowledged_by = CASE WHEN v.wr THEN NULL ELSE g.acknowledged_by END,
                            acknowledged_at = CASE WHEN v.wr THEN NULL ELSE g.acknowledged_at END,
                            status_note = CASE WHEN v.wr THEN NULL ELSE g.status_note END,
                            resolve_requested = CASE WHEN v.wr THEN false ELSE g.resolve_requested END,
                            next_check = LEAST(COALESCE(g.next_check, $11::bigint), $11::bigint)
                        FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::boolean[], $7::boolean[],
                                    $8::text[], $9::text[], $10::text[]) AS v(id, n, ls, ph, ps, cr, wr, l, m, st)
                        WHERE g.id = v.id
                        """, [
                            PostgresArrayLiteral.of(update.ids), PostgresArrayLiteral.of(update.counts), PostgresArrayLiteral.of(update.last),
                            PostgresArrayLiteral.of(update.phases), PostgresArrayLiteral.of(update.pending), PostgresArrayLiteral.of(update.critical),
                            PostgresArrayLiteral.of(update.reopened), PostgresArrayLiteral.of(update.levels),
                            PostgresArrayLiteral.of(update.messages), PostgresArrayLiteral.of(update.stacks), String(now),
                        ])
                }
            }
            // Events per group and minute, for the sparklines.
            let counted = sorted.filter { ids[$0.key] != nil }
            try await c.execute("""
                INSERT INTO alert_group_minutes (group_id, minute, count)
                SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) ORDER BY 1, 2
                ON CONFLICT (group_id, minute) DO UPDATE SET count = alert_group_minutes.count + EXCLUDED.count
                """, [PostgresArrayLiteral.of(counted.map { ids[$0.key] ?? 0 }), PostgresArrayLiteral.of(counted.map { $0.last / 60_000 }),
                      PostgresArrayLiteral.of(counted.map(\.count))])
        }
        // A key twice in one list (not produced by the evaluator, which sums per key): one at a time.
        for delta in repeated { try await record(delta, now: now) }
    }
}
