import Alerting
public import ClientPostgres
public import HubKit
import Identity
import LogModel
import Logging
public import ServiceLifecycle
import Spool

/// The alerting area: errors to Sentry, alerts to Telegram by severity, grouped, without storms.
/// Reads the spool through its own best-effort cursor; groups, the notification log, silences and
/// acknowledgements live in PostgreSQL so a restart or a second hub node neither loses nor repeats
/// a notification.
public struct AlertingModule: HubModule {
    public static let name = "alerting"

    public static func readConfiguration(_ reader: ConfigurationReader, core: CoreConfiguration) -> AlertingConfiguration {
        AlertingConfiguration.read(reader, core: core)
    }

    public static var migrations: [SchemaMigration] { AlertingSchema.migrations }

    /// Best effort: past the lag bound the cursor skips the oldest segments (counted), never holding back intake.
    public static func spoolConsumers(_ configuration: AlertingConfiguration, core: CoreConfiguration) -> [SpoolConsumer] {
        guard configuration.isEnabled else { return [] }
        return [SpoolConsumer(name: AlertEvaluator.consumerName, policy: .dropOldest(maxLagBytes: Int64(configuration.spoolMaxLagBytes)))]
    }

    let configuration: AlertingConfiguration
    let settings: AlertingSettings
    let context: HubContext
    let store: AlertStore
    let silences: SilenceStore
    let evaluator: AlertEvaluator?
    let dispatcher: TelegramDispatcher?
    let sentry: SentrySender?

    public static func make(_ configuration: AlertingConfiguration, context: HubContext) async throws -> AlertingModule {
        let settings = AlertingSettings(configuration)
        let store = AlertStore(database: context.database)
        let silences = SilenceStore(database: context.database)
        let hasSentry = configuration.receivers.values.contains { if case .sentry = $0 { return true } else { return false } }
        let hasTelegram = configuration.receivers.values.contains(where: \.isGrouped)
        let logger = context.logger
        let sentry = hasSentry ? SentrySender(http: context.stores.http, store: store,
                                              settings: settings, logger: logger) : nil
        let evaluator = configuration.isEnabled
            ? AlertEvaluator(reader: try context.spool.reader(for: AlertEvaluator.consumerName), settings: settings,
                             store: store, sentry: sentry, logger: logger)
            : nil
        let dispatcher = hasTelegram
            ? TelegramDispatcher(settings: settings, store: store, silences: silences,
                                 client: TelegramClient(http: context.stores.http, baseURL: configuration.telegramAPIURL), logger: logger)
            : nil
        return AlertingModule(configuration: configuration, settings: settings, context: context, store: store, silences: silences,
                              evaluator: evaluator, dispatcher: dispatcher, sentry: sentry)
    }

    public var services: [any Service] {
        var services: [any Service] = []
        if let evaluator {
            services.append(TaskService(name: "alert-evaluator", priority: context.core.spool.readerPriority) { await evaluator.run() })
        }
        if let dispatcher { services.append(TaskService(name: "telegram-dispatcher") { await dispatcher.run() }) }
        if let sentry { services.append(TaskService(name: "sentry-sender") { await sentry.run() }) }
        let (settings, logger) = (self.settings, context.logger)
        services.append(TaskService(name: "alerting-sighup") { await ReloadSignal.run(settings, logger: logger) })
        let database = context.database
        services.append(TaskService(name: "alerting-retention") { await AlertingRetention.run(database, logger: logger) })
        return services
    }

    public func registerRoutes(on routes: HubRoutes) {
        AlertRoutes(settings: settings, store: store, silences: silences, identity: context.identity).register(on: routes)
        TelegramWebhookRoutes(settings: settings,
                              actions: AlertActions(store: store, silences: silences, identity: context.identity),
                              client: TelegramClient(http: context.stores.http, baseURL: configuration.telegramAPIURL),
                              logger: context.logger).register(on: routes)
    }

    public static var navigation: [NavigationLink] { [NavigationLink(title: "Alerts", path: "/alerts", permission: .logsRead)] }

    public func health() async -> [ComponentHealth] {
        var parts: [ComponentHealth] = []
        for name in configuration.receivers.keys.sorted() {
            guard case .telegram = configuration.receivers[name] else { continue }
            let state = try? await store.receiverState(name)
            parts.append(ComponentHealth(name: "alert.\(name)", state: state?.disabledReason == nil ? "ready" : "disabled",
                                         detail: state?.disabledReason))
        }
        if configuration.isEnabled {
            // What the evaluator skipped past its lag bound (it runs after the intake when the CPU
            // is short, `spool.readers_nice`): events the stores have and alerting never looked at.
            let skips = (try? context.spool.reader(for: AlertEvaluator.consumerName).skips) ?? SpoolReaderSkips()
            let lag = context.spool.stats().sinks.first { $0.name == AlertEvaluator.consumerName }?.lagBytes ?? 0
            let shed = evaluator?.shedEvents ?? 0
            let shedding = evaluator?.isShedding ?? false
            var details: [String] = []
            if shedding, let below = configuration.shedBelow {
                let thresholds = AlertShedding(below: below, maxLagBytes: configuration.spoolMaxLagBytes)
                details.append("shedding now: more than \(HumanUnits.bytes(Int64(thresholds.startBytes))) behind the spool, events below \(below.name) "
                               + "are counted, not evaluated, until it is back within \(HumanUnits.bytes(Int64(thresholds.stopBytes)))")
            }
            if shed > 0, let below = configuration.shedBelow {
                details.append("shed \(shed) events below \(below.name) while far behind the spool (alerting.shed_below): "
                               + "no route or threshold rule got them")
            }
            if skips.droppedBytes > 0 {
                details.append("skipped \(skips.droppedBytes >> 20) MiB in \(skips.droppedSegments) segments past its lag bound since the start: "
                               + "events the stores have and alerting did not evaluate")
            }
            parts.append(ComponentHealth(name: "alert.spool", state: shedding ? "shedding" : "ready",
                                         metrics: ["lag_bytes": Int64(lag), "dropped_bytes": Int64(skips.droppedBytes),
                                                   "dropped_segments": Int64(skips.droppedSegments), "shed_events": Int64(shed)],
                                         detail: details.isEmpty ? nil : details.joined(separator: "; ")))
        }
        return parts
    }
}
