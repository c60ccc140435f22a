public import Alerting
import Foundation
public import HubKit
public import LogModel

/// The `alerting:` section and the `ADMIN_SENTRY_DSN` / `ADMIN_TELEGRAM_*` variables. With only the
/// variables, errors and above go to Sentry and to the Telegram chat (critical at once, bursts of
/// errors grouped); the file's `receivers` and `route` give the whole model (README "Alerting").
public struct AlertingConfiguration: Sendable {
    public struct TelegramReceiver: Sendable, Equatable {
        public var name: String
        public var botToken: String
        public var chatID: Int64
        public var topicID: Int64?
    }

    public struct SentryReceiver: Sendable, Equatable {
        public var name: String
        public var dsn: SentryDSN
        /// `service.name` → its own project's DSN.
        public var byService: [String: SentryDSN]
        public func dsn(for service: String) -> SentryDSN { byService[service] ?? dsn }
    }

    /// A JSON POST per notification, signed: `X-Admin-Signature: sha256=<hex HMAC-SHA256(secret, body)>`.
    public struct WebhookReceiver: Sendable, Equatable {
        public var name: String
        public var url: String
        public var secret: String
    }

    public enum Receiver: Sendable, Equatable {
        case telegram(TelegramReceiver)
        case sentry(SentryReceiver)
        case webhook(WebhookReceiver)
        public var name: String {
            switch self {
            case .telegram(let r): return r.name
            case .sentry(let r): return r.name
            case .webhook(let r): return r.name
            }
        }
        public var kind: String {
            switch self {
            case .telegram: return "telegram"
            case .sentry: return "sentry"
            case .webhook: return "webhook"
            }
        }
        /// Receivers that get alert groups (the dispatcher's), as opposed to one envelope per event (Sentry).
        public var isGrouped: Bool {
            if case .sentry = self { return false }
            return true
        }
    }

    public var receivers: [String: Receiver]
    public var route: AlertRoute
    public var rules: [AlertRule] = []
    public var telegramAPIURL: String
    public var webhookSecret: String
    public var publicURL: String
    /// Storm caps: new messages per chat per minute, and per second over all chats.
    public var perChatPerMinute: Int
    public var globalPerSecond: Int
    public var sentryMaxEventsPerGroupPerMinute: Int
    /// How often what the hub dropped instead of sending is reported to Sentry (`client_report`).
    public var sentryClientReportSeconds: Int = 30
    /// How far the alerting reader may fall behind the spool's end before it skips whole segments.
    public var spoolMaxLagBytes: Int
    /// Past half `spoolMaxLagBytes` behind, events below this level are shed (``AlertShedding``);
    /// `nil` (`off`): never.
    public var shedBelow: Level? = .error
    /// How often the dispatcher looks for groups that are due (ms).
    public var dispatchIntervalMillis: Int
    /// The file this was read from (reloads read it again).
    public var sourceFile: String?

    public var isEnabled: Bool { !receivers.isEmpty }

    /// The grouping of every route and rule by its path (a group's `route` column).
    public var groupingByPath: [String: GroupingSettings] {
        var all = Dictionary(route.allRoutes.map { ($0.path, $0.grouping) }, uniquingKeysWith: { a, _ in a })
        for rule in rules { all[rule.path] = rule.grouping(defaults: route.grouping) }
        return all
    }

    public static let receiverName = (sentry: "sentry", telegram: "telegram")

    static func read(_ r: ConfigurationReader, core: CoreConfiguration) -> AlertingConfiguration {
        let sentryDSN = r.string("alerting.sentry.dsn", env: "ADMIN_SENTRY_DSN", default: "", secret: true,
                                 help: "Sentry DSN; errors and above go there (empty = no Sentry)")
        let botToken = r.string("alerting.telegram.bot_token", env: "ADMIN_TELEGRAM_BOT_TOKEN", default: "", secret: true,
                                help: "Telegram bot token (with chat_id: critical at once, errors grouped)")
        let chatText = r.string("alerting.telegram.chat_id", env: "ADMIN_TELEGRAM_CHAT_ID", default: "", help: "Telegram chat id")
        let topicText = r.string("alerting.telegram.topic_id", env: "ADMIN_TELEGRAM_TOPIC_ID", default: "", help: "forum topic (message_thread_id)")
        let apiURL = r.string("alerting.telegram.api_url", env: "ADMIN_TELEGRAM_API_URL", default: "https://api.telegram.org",
                              help: "Bot API base URL (a local Bot API server, or a test double)")
        let webhookSecret = r.string("alerting.telegram.webhook_secret", env: "ADMIN_TELEGRAM_WEBHOOK_SECRET", default: "", secret: true,
                                     help: "secret_token Telegram sends with webhook calls (buttons)")
        let perChat = r.int("alerting.storm.per_chat_per_minute", env: "ADMIN_ALERTING_PER_CHAT_PER_MINUTE", default: 20, range: 1...1000,
                            help: "new Telegram messages per chat per minute; more groups go into one digest")
        let global = r.int("alerting.storm.global_per_second", env: "ADMIN_ALERTING_GLOBAL_PER_SECOND", default: 30, range: 1...1000,
                           help: "Telegram requests per second over all chats")
        let sentryCap = r.int("alerting.sentry.max_events_per_group_per_minute", env: "ADMIN_SENTRY_MAX_EVENTS_PER_GROUP_PER_MINUTE",
                              default: 60, range: 1...100_000, help: "events per group per minute sent to Sentry; the rest are counted")
        let reportSeconds = r.int("alerting.sentry.client_report_seconds", env: "ADMIN_SENTRY_CLIENT_REPORT_SECONDS", default: 30, range: 1...3600,
                                  help: "how often events the hub dropped (rate limits, the per-group cap) are reported to Sentry")
        let maxLag = r.int("alerting.spool_max_lag_bytes", env: "ADMIN_ALERTING_SPOOL_MAX_LAG_BYTES", default: 256 << 20, range: (1 << 20)...Int.max,
                           help: "alerting reads the spool best-effort: past this lag it skips the oldest segments (counted)")
        let shedText = r.string("alerting.shed_below", env: "ADMIN_ALERTING_SHED_BELOW", default: "error",
                                help: "past half spool_max_lag_bytes behind, events below this level are shed (counted) so errors keep up; off: never")
        var shedBelow: Level? = nil
        // YAML 1.1 reads an unquoted `off` as false.
        if shedText != "off", shedText != "false" {
            shedBelow = Level.allCases.first { $0.name == shedText }
            if shedBelow == nil {
                r.fail("alerting.shed_below (ADMIN_ALERTING_SHED_BELOW): \"\(shedText)\" is not a level name "
                       + "(\(Level.allCases.map(\.name).joined(separator: ", "))) or off")
            }
        }
        let dispatchMillis = r.int("alerting.dispatch_interval_ms", env: "ADMIN_ALERTING_DISPATCH_INTERVAL_MS", default: 200, range: 10...10_000,
                                   help: "how often due alert groups are looked at")
        var defaults = GroupingSettings.defaults
        func duration(_ key: String, _ env: String, _ value: Int64, _ help: String) -> Int64 {
            let text = r.string("alerting.defaults.\(key)", env: env, default: AlertDuration.describe(value), help: help)
            guard let ms = AlertDuration.milliseconds(text) else {
                r.fail("alerting.defaults.\(key) (\(env)): \"\(text)\" is not a duration (e.g. 10s, 1m, 4h)")
                return value
            }
            return ms
        }
        defaults.groupWait = duration("group_wait", "ADMIN_ALERTING_GROUP_WAIT", defaults.groupWait, "wait before a new group's first message")
        defaults.criticalGroupWait = duration("critical_group_wait", "ADMIN_ALERTING_CRITICAL_GROUP_WAIT", defaults.criticalGroupWait,
                                              "the same for critical and above")
        defaults.groupInterval = duration("group_interval", "ADMIN_ALERTING_GROUP_INTERVAL", defaults.groupInterval, "least time between edits")
        defaults.repeatInterval = duration("repeat_interval", "ADMIN_ALERTING_REPEAT_INTERVAL", defaults.repeatInterval,
                                           "no new message for a group before this")
        defaults.resolveAfter = duration("resolve_after", "ADMIN_ALERTING_RESOLVE_AFTER", defaults.resolveAfter, "quiet this long = resolved")

        var receivers: [String: Receiver] = [:]
        if !sentryDSN.isEmpty {
            if let dsn = SentryDSN(sentryDSN) {
                receivers[receiverName.sentry] = .sentry(SentryReceiver(name: receiverName.sentry, dsn: dsn, byService: [:]))
            } else {
                r.fail("alerting.sentry.dsn (ADMIN_SENTRY_DSN): '\(ConfigurationReader.masked(sentryDSN))' is not a DSN (https://KEY@HOST/PROJECT)")
            }
        }
        if !botToken.isEmpty || !chatText.isEmpty {
            if botToken.isEmpty || chatText.isEmpty {
                r.fail("alerting.telegram.bot_token (ADMIN_TELEGRAM_BOT_TOKEN) and alerting.telegram.chat_id (ADMIN_TELEGRAM_CHAT_ID) must be set together")
            } else if let chat = Int64(chatText) {
                var topic: Int64?
                if !topicText.isEmpty {
                    topic = Int64(topicText)
                    if topic == nil { r.fail("alerting.telegram.topic_id (ADMIN_TELEGRAM_TOPIC_ID): '\(topicText)' is not a number") }
                }
                receivers[receiverName.telegram] = .telegram(TelegramReceiver(name: receiverName.telegram, botToken: botToken, chatID: chat, topicID: topic))
            } else {
                r.fail("alerting.telegram.chat_id (ADMIN_TELEGRAM_CHAT_ID): '\(chatText)' is not a numeric chat id")
            }
        }
        if !(apiURL.hasPrefix("http://") || apiURL.hasPrefix("https://")) {
            r.fail("alerting.telegram.api_url (ADMIN_TELEGRAM_API_URL): '\(apiURL)' must start with http:// or https://")
        }
        if !webhookSecret.isEmpty, webhookSecret.count > 256 || !webhookSecret.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
            r.fail("alerting.telegram.webhook_secret (ADMIN_TELEGRAM_WEBHOOK_SECRET): 1–256 characters of A-Z a-z 0-9 _ - (Telegram's rule)")
        }

        let section = r.section("alerting")
        var tree = AlertingTreeReader(defaults: defaults, receivers: receivers)
        tree.read(section)
        for problem in tree.problems { r.fail(problem) }
        let route = tree.route ?? Self.defaultRoute(receivers: tree.receivers, defaults: defaults)

        var base = core.publicBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        return AlertingConfiguration(
            receivers: tree.receivers, route: route, rules: tree.rules, telegramAPIURL: apiURL, webhookSecret: webhookSecret, publicURL: base,
            perChatPerMinute: perChat, globalPerSecond: global, sentryMaxEventsPerGroupPerMinute: sentryCap,
            sentryClientReportSeconds: reportSeconds, spoolMaxLagBytes: maxLag, shedBelow: shedBelow, dispatchIntervalMillis: dispatchMillis, sourceFile: r.filePath)
    }

    /// Variables only: errors and above to Sentry (and on), errors and above to Telegram.
    static func defaultRoute(receivers: [String: Receiver], defaults: GroupingSettings) -> AlertRoute {
        let errors = (try? RouteMatcher.parse("level>=error").get()).map { [$0] } ?? []
        var children: [AlertRoute] = []
        if receivers[receiverName.sentry] != nil {
            children.append(AlertRoute(path: "route.routes[\(children.count)]", matchers: errors, receiver: receiverName.sentry,
                                       grouping: defaults, continue: true))
        }
        if receivers[receiverName.telegram] != nil {
            children.append(AlertRoute(path: "route.routes[\(children.count)]", matchers: errors, receiver: receiverName.telegram,
                                       grouping: defaults))
        }
        return AlertRoute(path: "route", receiver: "", grouping: defaults, routes: children)
    }
}
