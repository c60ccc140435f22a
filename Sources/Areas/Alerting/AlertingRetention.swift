import ClientPostgres
import Logging

/// Keeps alerting's tables bounded: Telegram update ids for 2 days (Telegram keeps updates at most
/// 24 h), per-minute counts for a day, the notification log, dead letters and groups resolved for
/// 30 days; threshold windows a week after they start, Sentry group minutes after an hour, Sentry
/// limits a day after they end. Runs hourly on every node; the deletes are idempotent.
enum AlertingRetention {
    static let statements = [
        "DELETE FROM alert_telegram_updates WHERE at < now() - interval '2 days'",
        "DELETE FROM alert_group_minutes WHERE minute < (extract(epoch FROM now()) / 60)::bigint - 1440",
        "DELETE FROM alert_notifications WHERE at < now() - interval '30 days'",
        "DELETE FROM alert_dead_letters WHERE at < now() - interval '30 days'",
        "DELETE FROM alert_rule_windows WHERE window_start < (extract(epoch FROM now()) * 1000)::bigint - 7::bigint * 86400000",
        "DELETE FROM alert_sentry_groups WHERE minute < (extract(epoch FROM now()) / 60)::bigint - 60",
        "DELETE FROM alert_limits WHERE key LIKE 'sentry:%' AND blocked_until < (extract(epoch FROM now()) * 1000)::bigint - 86400000",
        "DELETE FROM alert_groups WHERE phase = 'resolved' AND last_seen < (extract(epoch FROM now()) * 1000)::bigint - 30::bigint * 86400000",
    ]

    static func run(_ database: PostgresClient, logger: Logger) async {
        while !Task.isCancelled {
            for statement in statements {
                do { _ = try await database.execute(statement) } catch {
                    logger.warning("alerting retention step failed", metadata: ["error": "\(error)"])
                }
            }
            try? await Task.sleep(for: .seconds(3600))
        }
    }
}
