import Alerting
import ClientPostgres
import Foundation
import HubKit
import Hummingbird
import Identity
import LogModel

/// The alerting API: groups and acknowledgement, silences, the loaded configuration (secrets masked).
struct AlertRoutes {
    let settings: AlertingSettings
    let store: AlertStore
    let silences: SilenceStore
    let identity: IdentityServices

    var actions: AlertActions { AlertActions(store: store, silences: silences, identity: identity) }

    /// Forms on the alerts page get the page back; API clients get JSON.
    func done(_ call: StaffCall, _ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        if call.isForm { return Response(status: .seeOther, headers: [.location: "/alerts"]) }
        return JSONResponse.make(status, body)
    }

    func register(on routes: HubRoutes) {
        routes.staff(.get, "/api/v1/alerts", .logsRead) { request, _ in
            let query = request.uri.queryParameters
            var limit = 100
            if let text = query["limit"] {
                guard let n = Int(String(text)), (1...1000).contains(n) else {
                    throw Refusal.json(.badRequest, "invalid_limit", "'limit' must be 1...1000")
                }
                limit = n
            }
            let wanted = query["state"].map(String.init)
            if let wanted, !["firing", "acknowledged", "silenced", "resolved"].contains(wanted) {
                throw Refusal.json(.badRequest, "invalid_state", "'state' must be firing, acknowledged, silenced or resolved")
            }
            return JSONResponse.make(.ok, try await alerts(limit: limit, state: wanted))
        }
        routes.staff(.post, "/api/v1/alerts/{id}/ack", .alertsManage) { _, call in
            let id = try call.id(what: "alert")
            do {
                let group = try await actions.acknowledge(id, by: call.principal.user, context: call.audit)
                return done(call, .ok, ["alert": json(group, state: group.apiState(silenced: false), lastNotification: nil)])
            } catch AlertActions.Failure.unknownAlert {
                throw Refusal.json(.notFound, "unknown_alert", "no alert with id '\(id)'")
            } catch AlertActions.Failure.resolved {
                throw Refusal.json(.conflict, "alert_resolved", "alert \(id) is resolved; there is nothing to acknowledge")
            }
        }
        routes.staff(.get, "/api/v1/silences", .logsRead) { _, _ in
            JSONResponse.make(.ok, ["silences": .array(try await silences.list().map(\.json))])
        }
        routes.staff(.post, "/api/v1/silences", .silencesManage) { _, call in
            // The page sends one text field ("service=billing, level>=error"); the API a list.
            let texts = (try call.input.strings("matchers") ?? []).flatMap { $0.split(separator: ",").map(String.init) }
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !texts.isEmpty else {
                throw Refusal.json(.badRequest, "missing_matchers", "send {\"matchers\": [\"service=billing\", \"level>=error\"], \"duration\": \"1h\"}")
            }
            var matchers: [RouteMatcher] = []
            for (i, text) in texts.enumerated() {
                switch RouteMatcher.parse(text) {
                case .success(let m): matchers.append(m)
                case .failure(let error): throw Refusal.json(.badRequest, "invalid_matcher", "matchers[\(i)]: \(error)")
                }
            }
            let durationText = call.input.string("duration") ?? "1h"
            guard let ms = AlertDuration.milliseconds(durationText), ms > 0, ms <= 90 * 86_400_000 else {
                throw Refusal.json(.badRequest, "invalid_duration", "duration \"\(durationText)\" must be like 30m, 1h, 24h (at most 90d)")
            }
            let comment = String((call.input.string("comment") ?? "").prefix(1000))
            let silence = try await silences.create(matchers: matchers, durationMillis: ms, comment: comment, createdBy: call.principal.user.email)
            try await identity.audit.record(.silenceCreated, context: call.audit, target: "silence:\(silence.id)",
                                            details: ["matchers": matchers.map(\.description).joined(separator: ", "), "ends_at": silence.endsAt])
            return done(call, .created, ["silence": silence.json])
        }
        routes.staff(.delete, "/api/v1/silences/{id}", .silencesManage) { _, call in try await expire(call) }
        // HTML forms cannot DELETE.
        routes.staff(.post, "/api/v1/silences/{id}/expire", .silencesManage) { _, call in try await expire(call) }
        routes.page("/alerts", .logsRead) { _, call in
            HTMLPage.response(.ok, try await page(call.principal))
        }
        routes.staff(.get, "/api/v1/alerting/config", .logsRead) { _, _ in
            JSONResponse.make(.ok, AlertingConfigJSON.describe(settings.current))
        }
        routes.staff(.post, "/api/v1/alerting/reload", .alertsManage) { _, _ in
            try await Self.reload(settings)
        }
    }

    func expire(_ call: StaffCall) async throws -> Response {
        let id = try call.id(what: "silence")
        guard try await silences.get(id) != nil else { throw Refusal.json(.notFound, "unknown_silence", "no silence with id '\(id)'") }
        let expired = try await silences.expire(id, by: call.principal.user.email)
        if expired {
            try await identity.audit.record(.silenceExpired, context: call.audit, target: "silence:\(id)")
        }
        guard let silence = try await silences.get(id) else { throw Refusal.json(.notFound, "unknown_silence", "no silence with id '\(id)'") }
        return done(call, .ok, ["silence": silence.json, "expired_now": .bool(expired)])
    }

    func page(_ principal: StaffPrincipal) async throws -> String {
        let active = try await silences.active()
        let rows = try await store.database.query(
            "SELECT \(AlertGroupRow.columns) FROM alert_groups ORDER BY last_seen DESC LIMIT 300", [])
        var open: [AlertsPage.Group] = [], history: [AlertsPage.Group] = []
        for row in rows {
            let g = try AlertGroupRow(row)
            let state = g.apiState(silenced: active.contains { $0.matches(g.asEvent) })
            let item = AlertsPage.Group(row: g, state: state, sparkline: [])
            if state == "resolved" { if history.count < 50 { history.append(item) } } else { open.append(item) }
        }
        let lines = try await store.sparklines(open.map(\.row.id), now: AlertEvaluator.now())
        for i in open.indices { open[i].sparkline = lines[open[i].row.id] ?? Array(repeating: 0, count: 60) }
        let suppressed = try await store.counters().filter { $0.name == "suppressed" }.map { ($0.receiver, $0.value) }
        return AlertsPage.render(principal, open: open, history: history, silences: try await silences.list(), suppressed: suppressed,
                                 configuration: settings.current)
    }

    /// A bad configuration is refused with every problem; the running one stays.
    static func reload(_ settings: AlertingSettings) async throws -> Response {
        switch settings.reload() {
        case .success(let configuration):
            return JSONResponse.make(.ok, ["reloaded": true, "config": AlertingConfigJSON.describe(configuration)])
        case .failure(let failure):
            return JSONResponse.make(.badRequest, [
                "error": "invalid_configuration",
                "message": .string("the configuration was not reloaded: " + failure.problems.joined(separator: "; ")),
                "problems": .array(failure.problems.map(JSONValue.string)),
            ])
        }
    }

    func alerts(limit: Int, state wanted: String?) async throws -> JSONValue {
        let active = try await silences.active()
        let rows = try await store.database.query(
            "SELECT \(AlertGroupRow.columns), (SELECT max(at)::text FROM alert_notifications n WHERE n.group_id = g.id AND outcome = 'sent') AS last_notification FROM alert_groups g ORDER BY last_seen DESC LIMIT 2000", [])
        var list: [JSONValue] = []
        for row in rows {
            let group = try AlertGroupRow(row)
            let silenced = active.contains { $0.matches(group.asEvent) }
            let state = group.apiState(silenced: silenced)
            if let wanted, wanted != state { continue }
            list.append(json(group, state: state, lastNotification: try row.string("last_notification")))
            if list.count >= limit { break }
        }
        var suppressed = JSONObject()
        for counter in try await store.counters() where counter.name == "suppressed" { suppressed[counter.receiver] = .int(counter.value) }
        return ["alerts": .array(list), "suppressed": .object(suppressed)]
    }

    func json(_ g: AlertGroupRow, state: String, lastNotification: String?) -> JSONValue {
        [
            "id": .int(g.id), "fingerprint": .string(g.fingerprint), "state": .string(state), "count": .int(g.state.count),
            "first_seen": .string(SearchLink.iso(g.state.firstSeen)), "last_seen": .string(SearchLink.iso(g.state.lastSeen)),
            "level": .string(g.level), "service": .string(g.service), "environment": .string(g.environment),
            "error_type": g.errorType.map(JSONValue.string) ?? .null, "message": .string(g.message),
            "route": .string(g.route), "receivers": .array([.string(g.receiver)]),
            "telegram_message_id": g.state.messageID.map(JSONValue.int) ?? .null,
            "last_notification": lastNotification.map(JSONValue.string) ?? .null,
            "acknowledged_by": g.acknowledgedBy.map(JSONValue.string) ?? .null,
        ]
    }
}

/// The configuration as the API shows it: receivers with secrets masked, the routing tree as loaded.
enum AlertingConfigJSON {
    static func describe(_ c: AlertingConfiguration) -> JSONValue {
        var receivers: [JSONValue] = []
        for name in c.receivers.keys.sorted() {
            switch c.receivers[name]! {
            case .telegram(let r):
                receivers.append(["name": .string(name), "type": "telegram", "bot_token": .string(ConfigurationReader.masked(r.botToken)),
                                  "chat_id": .int(r.chatID), "topic_id": r.topicID.map(JSONValue.int) ?? .null])
            case .webhook(let r):
                receivers.append(["name": .string(name), "type": "webhook", "url": .string(ConfigurationReader.masked(r.url)),
                                  "secret": "********"])
            case .sentry(let r):
                var services = JSONObject()
                for (service, dsn) in r.byService.sorted(by: { $0.key < $1.key }) { services[service] = .string(dsn.endpoint) }
                receivers.append(["name": .string(name), "type": "sentry", "endpoint": .string(r.dsn.endpoint), "public_key": "********",
                                  "dsn_by_service": .object(services)])
            }
        }
        return [
            "receivers": .array(receivers), "route": route(c.route),
            "telegram_api_url": .string(c.telegramAPIURL), "webhook_secret_set": .bool(!c.webhookSecret.isEmpty),
            "storm": ["per_chat_per_minute": .int(Int64(c.perChatPerMinute)), "global_per_second": .int(Int64(c.globalPerSecond))],
            "sentry": ["max_events_per_group_per_minute": .int(Int64(c.sentryMaxEventsPerGroupPerMinute)),
                       "client_report_seconds": .int(Int64(c.sentryClientReportSeconds))],
        ]
    }

    static func route(_ r: AlertRoute) -> JSONValue {
        let g = r.grouping
        return [
            "path": .string(r.path), "matchers": .array(r.matchers.map { .string($0.description) }),
            "query": r.query.map { .string($0.text) } ?? .null, "receiver": .string(r.receiver),
            "group_by": .array(g.groupBy.map(JSONValue.string)), "group_wait": .string(AlertDuration.describe(g.groupWait)),
            "critical_group_wait": .string(AlertDuration.describe(g.criticalGroupWait)),
            "group_interval": .string(AlertDuration.describe(g.groupInterval)), "repeat_interval": .string(AlertDuration.describe(g.repeatInterval)),
            "resolve_after": .string(AlertDuration.describe(g.resolveAfter)), "continue": .bool(r.continue), "routes": .array(r.routes.map(route)),
        ]
    }
}
