import Alerting
import ClientPostgres
import Foundation
import LogModel
import Logging

/// Carries out what `AlertGroupMachine` decides for Telegram groups. Each tick it claims due groups
/// with `FOR UPDATE SKIP LOCKED` (two hub nodes never take the same group), writes the claim (a
/// lease and, for a new message, "sent at") *before* calling Telegram, then records the outcome.
/// So a `kill -9` between the request and the record never causes a second `sendMessage`: at worst
/// one edit is lost. Storm caps fold new groups into one digest per chat and minute.
final class TelegramDispatcher: Sendable {
    let settings: AlertingSettings
    var configuration: AlertingConfiguration { settings.current }
    let store: AlertStore
    let silences: SilenceStore
    let client: TelegramClient
    let logger: Logger
    /// Telegram's buckets, shared with the other hub nodes through PostgreSQL.
    let limits: TelegramLimits

    static let leaseMillis: Int64 = 60_000
    static let retryMillis: Int64 = 5_000

    init(settings: AlertingSettings, store: AlertStore, silences: SilenceStore, client: TelegramClient, logger: Logger) {
        self.settings = settings
        self.store = store
        self.silences = silences
        self.client = client
        self.logger = logger
        limits = TelegramLimits(database: store.database)
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    func run() async {
        while !Task.isCancelled {
            do {
                try await tick()
            } catch {
                logger.warning("alert dispatch failed; retrying", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .milliseconds(configuration.dispatchIntervalMillis))
        }
    }

    struct Work: Sendable {
        var group: AlertGroupRow
        var before: AlertGroupState
        var action: AlertGroupMachine.Action
        var nextCheck: Int64?
        var receiver: AlertingConfiguration.TelegramReceiver
        var chat: Int64
    }

    func tick() async throws {
        let configuration = self.configuration
        let now = Self.now()
        let active = try await silences.active()
        var states: [String: AlertStore.ReceiverState] = [:]
        for (name, receiver) in configuration.receivers { if case .telegram = receiver { states[name] = try await store.receiverState(name) } }
        let routes = configuration.groupingByPath
        var sentThisTick: [Int64: Int] = [:]
        var cap: [Int64: Int] = [:]
        for (name, state) in states {
            if case .telegram(let r)? = configuration.receivers[name] {
                let chat = state.chatID ?? r.chatID
                cap[chat] = try await store.newMessagesLastMinute(chat: chat)
            }
        }

        let (work, hooks): ([Work], [WebhookWork]) = try await store.database.transaction { c in
            let rows = try await c.query(
                "SELECT \(AlertGroupRow.columns) FROM alert_groups WHERE next_check <= $1 ORDER BY next_check LIMIT 100 FOR UPDATE SKIP LOCKED",
                [String(now)])
            var work: [Work] = []
            var hooks: [WebhookWork] = []
            for row in rows {
                var group = try AlertGroupRow(row)
                if case .webhook(let hook)? = configuration.receivers[group.receiver] {
                    if active.contains(where: { $0.matches(group.asEvent) }) { group.state.muted = true }
                    let decision = AlertGroupMachine.decide(group.state, settings: routes[group.route] ?? configuration.route.grouping, now: now)
                    if decision.action == .none {
                        try await store.save(group.id, group.state, nextCheck: decision.nextCheck, chatID: nil, on: c)
                    } else {
                        let claim = decision.action == .sendNew ? AlertGroupMachine.applied(group.state, .sendNew, now: now, messageID: nil) : group.state
                        try await store.save(group.id, claim, nextCheck: now + Self.leaseMillis, chatID: nil, on: c)
                        hooks.append(WebhookWork(group: group, action: decision.action, nextCheck: decision.nextCheck, receiver: hook))
                    }
                    continue
                }
                guard case .telegram(let receiver)? = configuration.receivers[group.receiver] else {
                    // Not a Telegram receiver (or no longer configured): nothing to send.
                    try await c.execute("UPDATE alert_groups SET next_check = NULL WHERE id = $1", [String(group.id)])
                    continue
                }
                let receiverState = states[receiver.name] ?? AlertStore.ReceiverState()
                if receiverState.disabledReason != nil {
                    try await c.execute("UPDATE alert_groups SET next_check = $2 WHERE id = $1", [String(group.id), String(now + Self.leaseMillis)])
                    continue
                }
                if active.contains(where: { $0.matches(group.asEvent) }) { group.state.muted = true }
                let settings = routes[group.route] ?? configuration.route.grouping
                let decision = AlertGroupMachine.decide(group.state, settings: settings, now: now)
                let chat = group.chatID ?? receiverState.chatID ?? receiver.chatID
                let needsRequest = decision.action == .sendNew || ((decision.action == .edit || decision.action == .resolve) && group.state.messageID != nil)
                guard needsRequest else {
                    let next = AlertGroupMachine.applied(group.state, decision.action, now: now, messageID: group.state.messageID)
                    try await store.save(group.id, next, nextCheck: decision.nextCheck, chatID: nil, on: c)
                    continue
                }
                if decision.action == .sendNew {
                    let recent = (cap[chat] ?? 0) + (sentThisTick[chat] ?? 0)
                    if recent >= configuration.perChatPerMinute {
                        // Storm cap: the group goes into this chat's next digest instead of a message of its own.
                        var next = AlertGroupMachine.applied(group.state, .sendNew, now: now, messageID: nil)
                        next.messageID = nil
                        try await store.save(group.id, next, nextCheck: decision.nextCheck, chatID: chat, digestPending: true, on: c)
                        AlertingMetrics.notification(receiver.name, "suppressed")
                        await store.increment(receiver: receiver.name, "suppressed")
                        continue
                    }
                }
                // Outside the claim's transaction: the bucket rows are locked only for the statement
                // (chat, then all chats), so nodes claiming groups of several chats never deadlock.
                let wait = try await limits.acquire(chat: chat, globalPerSecond: configuration.globalPerSecond)
                if wait > 0 {
                    try await c.execute("UPDATE alert_groups SET next_check = $2 WHERE id = $1", [String(group.id), String(now + wait)])
                    continue
                }
                if decision.action == .sendNew { sentThisTick[chat, default: 0] += 1 }
                // The claim: a lease so no other node takes the group, and for a new message the
                // "sent at" that keeps a crash from sending it twice.
                var claim = group.state
                if decision.action == .sendNew {
                    claim = AlertGroupMachine.applied(group.state, .sendNew, now: now, messageID: nil)
                }
                try await store.save(group.id, claim, nextCheck: now + Self.leaseMillis, chatID: chat, on: c)
                work.append(Work(group: group, before: group.state, action: decision.action, nextCheck: decision.nextCheck,
                                 receiver: receiver, chat: chat))
            }
            return (work, hooks)
        }
        for item in work { await perform(item) }
        for hook in hooks { await WebhookNotifier(http: client.http, store: store, logger: logger).send(hook, publicURL: configuration.publicURL) }
        for (name, state) in states { await flushDigest(receiverName: name, state: state, now: now) }
    }

    func perform(_ w: Work) async {
        let now = Self.now()
        let text = render(w.group, state: w.before, action: w.action, now: now)
        var body: JSONObject = ["chat_id": .int(w.chat), "parse_mode": "HTML", "text": .string(text)]
        if w.action != .resolve, !configuration.webhookSecret.isEmpty { body.append("reply_markup", TelegramClient.buttons(groupID: w.group.id)) }
        let method: String
        if w.action == .sendNew {
            method = "sendMessage"
            if let topic = w.receiver.topicID { body.append("message_thread_id", .int(topic)) }
            body.append("link_preview_options", ["is_disabled": true])
        } else {
            method = "editMessageText"
            body.append("message_id", .int(w.group.state.messageID ?? 0))
        }
        var reply = await client.call(token: w.receiver.botToken, method: method, body: .object(body))
        if case .rejected(let description) = reply, description.contains("can't parse entities") {
            // protocols.md 2.4: resend once as plain text, within the chat's limit.
            while !Task.isCancelled {
                let wait = (try? await limits.acquire(chat: w.chat, globalPerSecond: configuration.globalPerSecond)) ?? 1000
                if wait == 0 { break }
                try? await Task.sleep(for: .milliseconds(wait))
            }
            var plain = body
            _ = plain.removeValue(forKey: "parse_mode")
            plain["text"] = .string(TelegramHTML.plainText(text))
            reply = await client.call(token: w.receiver.botToken, method: method, body: .object(plain))
        }
        let kind = w.action == .sendNew ? "send" : (w.action == .resolve ? "resolve" : "edit")
        do {
            switch reply {
            case .ok, .notModified:
                var id = w.before.messageID
                if case .ok(let m) = reply, w.action == .sendNew { id = m }
                let next = AlertGroupMachine.applied(w.before, w.action, now: now, messageID: id)
                try await saveOutside(w.group.id, next, nextCheck: w.nextCheck, chat: w.chat)
                await store.log(groupID: w.group.id, receiver: w.receiver.name, chatID: w.chat, kind: kind, messageID: id, outcome: "sent", detail: nil)
                AlertingMetrics.notification(w.receiver.name, "sent")
                if AlertGroupMachine.notifiesEpisodeFirst(w.before, w.action) {
                    AlertingMetrics.delay(w.receiver.name, milliseconds: now - w.before.pendingSince)
                }
            case .retryAfter(let seconds):
                await limits.blocked(chat: w.chat, seconds: seconds)
                try await saveOutside(w.group.id, w.before, nextCheck: now + seconds * 1000, chat: nil)
                await store.log(groupID: w.group.id, receiver: w.receiver.name, chatID: w.chat, kind: kind, messageID: nil, outcome: "rate_limited",
                                detail: "retry_after \(seconds)")
                AlertingMetrics.notification(w.receiver.name, "rate_limited")
                logger.warning("Telegram rate limit; waiting exactly retry_after", metadata: ["receiver": "\(w.receiver.name)", "retry_after": "\(seconds)"])
            case .migrated(let newChat):
                try await store.rememberChat(w.receiver.name, chatID: newChat)
                try await store.database.execute("UPDATE alert_groups SET chat_id = $2 WHERE receiver = $1 AND chat_id = $3",
                                                 [w.receiver.name, String(newChat), String(w.chat)])
                try await saveOutside(w.group.id, w.before, nextCheck: now, chat: newChat)
                logger.notice("Telegram chat migrated to a supergroup; following it", metadata: ["receiver": "\(w.receiver.name)", "chat_id": "\(newChat)"])
            case .forbidden(let description), .unauthorized(let description):
                try await store.disable(w.receiver.name, reason: description)
                try await saveOutside(w.group.id, w.before, nextCheck: now + Self.leaseMillis, chat: nil)
                await store.log(groupID: w.group.id, receiver: w.receiver.name, chatID: w.chat, kind: kind, messageID: nil, outcome: "failed", detail: description)
                AlertingMetrics.notification(w.receiver.name, "failed")
                // At error level: through self-ingest this reaches the other receivers (Sentry) as an alert of its own.
                logger.error("alert receiver disabled: Telegram refused the bot", metadata: ["receiver": "\(w.receiver.name)", "reason": "\(description)"])
            case .rejected(let description):
                // Will never work as it is (message gone, chat not found): count it and move on, no retry loop.
                let next = AlertGroupMachine.applied(w.before, w.action, now: now, messageID: w.action == .sendNew ? nil : w.before.messageID)
                try await saveOutside(w.group.id, next, nextCheck: w.nextCheck, chat: nil)
                await store.log(groupID: w.group.id, receiver: w.receiver.name, chatID: w.chat, kind: kind, messageID: nil, outcome: "failed", detail: description)
                AlertingMetrics.notification(w.receiver.name, "failed")
                logger.error("Telegram rejected an alert message", metadata: ["receiver": "\(w.receiver.name)", "reason": "\(description)"])
            case .transient(let description):
                try await saveOutside(w.group.id, w.before, nextCheck: now + Self.retryMillis, chat: nil)
                AlertingMetrics.notification(w.receiver.name, "failed")
                logger.warning("Telegram request failed; retrying", metadata: ["receiver": "\(w.receiver.name)", "error": "\(description)"])
            }
        } catch {
            logger.warning("cannot record an alert notification", metadata: ["error": "\(error)"])
        }
    }

    private func saveOutside(_ id: Int64, _ s: AlertGroupState, nextCheck: Int64?, chat: Int64?) async throws {
        try await store.database.transaction { c in
            // Events that arrived while the request ran were added to `count` by the evaluator; keep them.
            let rows = try await c.query("SELECT count, last_seen, phase FROM alert_groups WHERE id = $1 FOR UPDATE", [String(id)])
            var state = s
            if let row = rows.first {
                state.count = Int64(try row.int("count") ?? 0)
                state.lastSeen = Int64(try row.int("last_seen") ?? 0)
                if s.phase == .resolved, state.lastSeen > s.lastSeen {
                    // It fired again while the resolution went out: a new episode.
                    state.phase = .pending
                    state.pendingSince = state.lastSeen
                }
            }
            let next = state.count > s.notifiedCount && state.phase != .resolved ? min(nextCheck ?? Int64.max, Self.now()) : nextCheck
            try await store.save(id, state, nextCheck: next, chatID: chat, on: c)
        }
    }

    func render(_ g: AlertGroupRow, state: AlertGroupState, action: AlertGroupMachine.Action, now: Int64) -> String {
        var status: String?
        if action == .resolve {
            status = "Resolved: quiet since \(TelegramAlertMessage.timeText(state.lastSeen)) UTC"
        } else if let note = g.statusNote {
            status = note
        } else if let by = g.acknowledgedBy {
            status = "Acknowledged by \(by)"
        }
        return TelegramAlertMessage(
            level: g.level, service: g.service, environment: g.environment, count: state.count, firstSeen: state.firstSeen,
            lastSeen: state.lastSeen, errorType: g.errorType, message: g.message, stackTrace: g.stackTrace,
            searchURL: SearchLink.url(base: configuration.publicURL, group: g, now: now), status: status).render()
    }

    /// One message per chat and minute listing the groups the storm cap held back.
    func flushDigest(receiverName: String, state: AlertStore.ReceiverState, now: Int64) async {
        guard case .telegram(let receiver)? = configuration.receivers[receiverName], state.disabledReason == nil else { return }
        if let last = state.lastDigest, now - last < 60_000 { return }
        let chat = state.chatID ?? receiver.chatID
        do {
            // Look before taking a token: an idle digest must not use up the chat's 1/s.
            let pending = try await store.database.query(
                "SELECT 1 FROM alert_groups WHERE receiver = $1 AND digest_pending LIMIT 1", [receiverName])
            if pending.isEmpty { return }
            if try await limits.acquire(chat: chat, globalPerSecond: configuration.globalPerSecond) > 0 { return }
            let groups: [AlertGroupRow] = try await store.database.transaction { c in
                let rows = try await c.query(
                    "SELECT \(AlertGroupRow.columns) FROM alert_groups WHERE receiver = $1 AND digest_pending ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED",
                    [receiverName])
                guard !rows.isEmpty else { return [] }
                let groups = try rows.map(AlertGroupRow.init)
                try await c.execute("UPDATE alert_groups SET digest_pending = false WHERE id = ANY($1::bigint[])",
                                    ["{" + groups.map { String($0.id) }.joined(separator: ",") + "}"])
                try await store.setLastDigest(receiverName, at: now, on: c)
                return groups
            }
            guard !groups.isEmpty else { return }
            var t = TelegramHTML()
            t.tagged("b", "\(groups.count) more alert groups in the last minute:")
            for (i, g) in groups.enumerated() {
                let line = "\n• \(g.level.uppercased()) \(g.service)/\(g.environment): \(g.errorType.map { $0 + ": " } ?? "")\(g.message) (×\(g.state.count))"
                if t.remaining(reserve: 40) < 60 {
                    t.text("\n… and \(groups.count - i) more")
                    break
                }
                t.text(line, limit: min(200, t.remaining(reserve: 40)))
            }
            var body: JSONObject = ["chat_id": .int(chat), "parse_mode": "HTML", "text": .string(t.html), "link_preview_options": ["is_disabled": true]]
            if let topic = receiver.topicID { body.append("message_thread_id", .int(topic)) }
            let reply = await client.call(token: receiver.botToken, method: "sendMessage", body: .object(body))
            switch reply {
            case .ok(let id):
                await store.log(groupID: nil, receiver: receiverName, chatID: chat, kind: "digest", messageID: id, outcome: "sent", detail: "\(groups.count) groups")
                AlertingMetrics.notification(receiverName, "sent")
            case .retryAfter(let seconds):
                await limits.blocked(chat: chat, seconds: seconds)
                try await store.database.execute("UPDATE alert_groups SET digest_pending = true WHERE id = ANY($1::bigint[])",
                                                 ["{" + groups.map { String($0.id) }.joined(separator: ",") + "}"])
                AlertingMetrics.notification(receiverName, "rate_limited")
            default:
                await store.log(groupID: nil, receiver: receiverName, chatID: chat, kind: "digest", messageID: nil, outcome: "failed", detail: "\(reply)")
                AlertingMetrics.notification(receiverName, "failed")
            }
        } catch {
            logger.warning("cannot send the alert digest", metadata: ["error": "\(error)"])
        }
    }
}
