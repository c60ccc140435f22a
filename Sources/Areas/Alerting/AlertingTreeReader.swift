import Alerting
import Foundation
import LogModel

/// Reads the tree parts of `alerting:` (`receivers`, `route`) as YAML loaded them, reporting every
/// problem with its path: `alerting.route.routes[2].group_wait: "5 minutes" is not a duration`.
struct AlertingTreeReader {
    let defaults: GroupingSettings
    var receivers: [String: AlertingConfiguration.Receiver]
    var route: AlertRoute?
    var rules: [AlertRule] = []
    var problems: [String] = []

    static let sectionKeys: Set<String> = ["sentry", "telegram", "storm", "defaults", "spool_max_lag_bytes", "shed_below", "dispatch_interval_ms", "receivers", "route", "rules"]
    static let routeKeys: Set<String> = ["matchers", "query", "receiver", "group_by", "group_wait", "critical_group_wait", "group_interval",
                                         "repeat_interval", "resolve_after", "continue", "routes"]
    static let groupByFields: Set<String> = ["fingerprint", "service", "environment", "logger", "level", "error.type", "host"]

    init(defaults: GroupingSettings, receivers: [String: AlertingConfiguration.Receiver]) {
        self.defaults = defaults
        self.receivers = receivers
    }

    mutating func read(_ section: Any?) {
        guard let section else { return }
        guard let mapping = section as? [String: Any] else {
            problems.append("alerting: must be a mapping")
            return
        }
        for key in mapping.keys.sorted() where !Self.sectionKeys.contains(key) {
            problems.append("alerting.\(key): unknown key (known: \(Self.sectionKeys.sorted().joined(separator: ", ")))")
        }
        if let list = mapping["receivers"] {
            if let items = list as? [Any] {
                for (i, item) in items.enumerated() { readReceiver(item, path: "alerting.receivers[\(i)]") }
            } else {
                problems.append("alerting.receivers: must be a list of receivers")
            }
        }
        if let node = mapping["route"] {
            route = readRoute(node, path: "route", inherited: AlertRoute(path: "", receiver: "", grouping: defaults))
        }
        if let list = mapping["rules"] {
            if let items = list as? [Any] {
                for (i, item) in items.enumerated() { readRule(item, path: "rules[\(i)]") }
            } else {
                problems.append("alerting.rules: must be a list of rules")
            }
        }
    }

    mutating func readRule(_ item: Any, path: String) {
        let at = "alerting.\(path)"
        guard let m = item as? [String: Any] else { return problems.append("\(at): must be a mapping") }
        for key in m.keys.sorted() where !["name", "type", "matchers", "query", "count", "window", "group_by", "receiver", "level"].contains(key) {
            problems.append("\(at).\(key): unknown key")
        }
        guard let name = m["name"].map({ "\($0)" }), !name.isEmpty else { return problems.append("\(at).name: required") }
        if rules.contains(where: { $0.name == name }) { problems.append("\(at).name: '\(name)' is defined twice") }
        guard let kind = m["type"].flatMap({ AlertRule.Kind(rawValue: "\($0)") }) else {
            return problems.append("\(at).type: must be threshold or absence")
        }
        var matchers: [RouteMatcher] = []
        if let items = m["matchers"] as? [Any] {
            for (i, text) in items.enumerated() {
                switch RouteMatcher.parse("\(text)") {
                case .success(let matcher): matchers.append(matcher)
                case .failure(let error): problems.append("\(at).matchers[\(i)]: \(error)")
                }
            }
        } else if m["matchers"] != nil {
            problems.append("\(at).matchers: must be a list")
        }
        guard let windowText = m["window"].map({ "\($0)" }), let window = AlertDuration.milliseconds(windowText), window > 0 else {
            return problems.append("\(at).window: required, a duration like 5m")
        }
        var count: Int64 = 0
        if kind == .threshold {
            guard let n = m["count"].flatMap({ Int64("\($0)") }), n >= 0 else { return problems.append("\(at).count: required, a whole number") }
            count = n
        }
        let groupBy = (m["group_by"] as? [Any])?.map { "\($0)" } ?? ["service"]
        guard let receiver = m["receiver"].map({ "\($0)" }), receivers[receiver] != nil else {
            return problems.append("\(at).receiver: required, one of \(receivers.keys.sorted().joined(separator: ", "))")
        }
        var level = Level.error
        if let text = m["level"] {
            if let l = Level(parsing: "\(text)") { level = l } else { problems.append("\(at).level: '\(text)' is not a level") }
        }
        var rule = AlertRule(name: name, path: path, kind: kind, matchers: matchers, count: count, window: window,
                             groupBy: groupBy, receiver: receiver, level: level)
        rule.query = readQuery(m["query"], at: at)
        rules.append(rule)
    }

    /// `query:` in the search language; a problem names the path and the position in the query.
    mutating func readQuery(_ value: Any?, at path: String) -> RouteQuery? {
        guard let value else { return nil }
        guard let text = value as? String, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            problems.append("\(path).query: must be a query in the search language, like 'service:billing AND status:>499'")
            return nil
        }
        switch RouteQuery.parse(text) {
        case .success(let query): return query
        case .failure(let error):
            problems.append("\(path).query: \(error)")
            return nil
        }
    }

    mutating func readReceiver(_ item: Any, path: String) {
        guard let m = item as? [String: Any] else { return problems.append("\(path): must be a mapping") }
        guard let name = m["name"].map({ "\($0)" }), !name.isEmpty else { return problems.append("\(path).name: required") }
        if receivers[name] != nil { problems.append("\(path).name: '\(name)' is defined twice") }
        let type = m["type"].map { "\($0)" } ?? ""
        switch type {
        case "telegram":
            for key in m.keys.sorted() where !["name", "type", "bot_token", "bot_token_env", "chat_id", "topic_id"].contains(key) {
                problems.append("\(path).\(key): unknown key")
            }
            var token = m["bot_token"].map { "\($0)" } ?? ""
            if let env = m["bot_token_env"].map({ "\($0)" }) {
                token = ProcessInfo.processInfo.environment[env] ?? ""
                if token.isEmpty { problems.append("\(path).bot_token_env: the variable \(env) is not set") }
            }
            if token.isEmpty, m["bot_token_env"] == nil { problems.append("\(path).bot_token: required (or bot_token_env: VARIABLE)") }
            guard let chat = m["chat_id"].flatMap({ Int64("\($0)") }) else { return problems.append("\(path).chat_id: required, a number") }
            var topic: Int64?
            if let t = m["topic_id"] {
                topic = Int64("\(t)")
                if topic == nil { problems.append("\(path).topic_id: '\(t)' is not a number") }
            }
            receivers[name] = .telegram(.init(name: name, botToken: token, chatID: chat, topicID: topic))
        case "sentry":
            for key in m.keys.sorted() where !["name", "type", "dsn", "dsn_by_service"].contains(key) {
                problems.append("\(path).\(key): unknown key")
            }
            guard let text = m["dsn"].map({ "\($0)" }), let dsn = SentryDSN(text) else {
                return problems.append("\(path).dsn: required, a DSN (https://KEY@HOST/PROJECT)")
            }
            var byService: [String: SentryDSN] = [:]
            if let map = m["dsn_by_service"] as? [String: Any] {
                for (service, value) in map {
                    if let d = SentryDSN("\(value)") { byService[service] = d } else { problems.append("\(path).dsn_by_service.\(service): not a DSN") }
                }
            }
            receivers[name] = .sentry(.init(name: name, dsn: dsn, byService: byService))
        case "webhook":
            for key in m.keys.sorted() where !["name", "type", "url", "secret", "secret_env"].contains(key) {
                problems.append("\(path).\(key): unknown key")
            }
            guard let url = m["url"].map({ "\($0)" }), url.hasPrefix("http://") || url.hasPrefix("https://") else {
                return problems.append("\(path).url: required, an http:// or https:// URL")
            }
            var secret = m["secret"].map { "\($0)" } ?? ""
            if let env = m["secret_env"].map({ "\($0)" }) { secret = ProcessInfo.processInfo.environment[env] ?? "" }
            if secret.isEmpty { problems.append("\(path).secret: required (or secret_env: VARIABLE), the HMAC key of X-Admin-Signature") }
            receivers[name] = .webhook(.init(name: name, url: url, secret: secret))
        default:
            problems.append("\(path).type: '\(type)' is not a receiver type (telegram, sentry, webhook)")
        }
    }

    mutating func readRoute(_ node: Any, path: String, inherited parent: AlertRoute) -> AlertRoute? {
        let where_ = "alerting.\(path)"
        guard let m = node as? [String: Any] else {
            problems.append("\(where_): must be a mapping")
            return nil
        }
        for key in m.keys.sorted() where !Self.routeKeys.contains(key) {
            problems.append("\(where_).\(key): unknown key (known: \(Self.routeKeys.sorted().joined(separator: ", ")))")
        }
        var route = AlertRoute(path: path, receiver: parent.receiver, grouping: parent.grouping)
        if let receiver = m["receiver"].map({ "\($0)" }) {
            if receivers[receiver] == nil {
                problems.append("\(where_).receiver: '\(receiver)' is not a receiver (known: \(receivers.keys.sorted().joined(separator: ", ")))")
            }
            route.receiver = receiver
        }
        if let list = m["matchers"] {
            if let items = list as? [Any] {
                for (i, item) in items.enumerated() {
                    switch RouteMatcher.parse("\(item)") {
                    case .success(let matcher): route.matchers.append(matcher)
                    case .failure(let error): problems.append("\(where_).matchers[\(i)]: \(error)")
                    }
                }
            } else {
                problems.append("\(where_).matchers: must be a list like [\"service=billing\", \"level>=error\"]")
            }
        }
        route.query = readQuery(m["query"], at: where_)
        if let groupBy = m["group_by"] {
            if let items = groupBy as? [Any] {
                route.grouping.groupBy = items.map { "\($0)" }
                for (i, field) in route.grouping.groupBy.enumerated() where !(Self.groupByFields.contains(field) || field.hasPrefix("labels.")) {
                    problems.append("\(where_).group_by[\(i)]: '\(field)' is not a field (fingerprint, service, environment, logger, level, error.type, host, labels.<name>)")
                }
            } else {
                problems.append("\(where_).group_by: must be a list")
            }
        }
        func duration(_ key: String, _ set: (inout GroupingSettings, Int64) -> Void) {
            guard let value = m[key] else { return }
            if let ms = AlertDuration.milliseconds("\(value)") { set(&route.grouping, ms) } else {
                problems.append("\(where_).\(key): \"\(value)\" is not a duration (e.g. 10s, 1m, 4h)")
            }
        }
        duration("group_wait") { $0.groupWait = $1 }
        duration("critical_group_wait") { $0.criticalGroupWait = $1 }
        duration("group_interval") { $0.groupInterval = $1 }
        duration("repeat_interval") { $0.repeatInterval = $1 }
        duration("resolve_after") { $0.resolveAfter = $1 }
        if let c = m["continue"] {
            if let b = c as? Bool { route.continue = b } else { problems.append("\(where_).continue: must be true or false") }
        }
        if let children = m["routes"] {
            if let items = children as? [Any] {
                for (i, item) in items.enumerated() {
                    if let child = readRoute(item, path: "\(path).routes[\(i)]", inherited: route) { route.routes.append(child) }
                }
            } else {
                problems.append("\(where_).routes: must be a list of routes")
            }
        }
        return route
    }
}
