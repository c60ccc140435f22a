import Alerting
import ClientHTTP
import Foundation
import Logging
import Synchronization

/// Sends error events to Sentry (protocols.md 1): one envelope per event, at most
/// `max_events_per_group_per_minute` per group (the rest counted, and the count carried on the next
/// event sent for that group), nothing for a category while its rate limit lasts (per DSN), 5xx and
/// network errors retried with backoff, other 4xx to `alert_dead_letters` with Sentry's answer.
/// The queue is bounded: when Sentry is slow the newest events are dropped and counted, never the
/// spool reader held back.
final class SentrySender: Sendable {
    struct Item: Sendable {
        var event: AlertEvent
        var fingerprint: String
        var receiver: AlertingConfiguration.SentryReceiver
        var suppressed: Int64
    }

    struct GroupWindow {
        var start: Int64
        var sent: Int
        var suppressed: Int64
    }

    let http: HTTPClient
    let store: AlertStore
    let settings: AlertingSettings
    var maxPerGroupPerMinute: Int { settings.current.sentryMaxEventsPerGroupPerMinute }
    let logger: Logger
    private let stream: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    private let limits = Mutex<[String: SentryRateLimits]>([:])
    private let windows = Mutex<[String: GroupWindow]>([:])
    /// Backoff before retry n (5xx, network): 1 s, 2 s, 4 s.
    let backoff: [Duration] = [.seconds(1), .seconds(2), .seconds(4)]

    init(http: HTTPClient, store: AlertStore, settings: AlertingSettings, logger: Logger, queueSize: Int = 2000) {
        self.http = http
        self.store = store
        self.settings = settings
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .bufferingOldest(queueSize))
    }

    /// Called by the spool reader for each matching event; never waits.
    func offer(_ event: AlertEvent, fingerprint: String, receiver: AlertingConfiguration.SentryReceiver, now: Int64) {
        let key = receiver.name + ":" + fingerprint
        let maxPerGroupPerMinute = self.maxPerGroupPerMinute
        let suppressed: Int64? = windows.withLock { windows in
            var w = windows[key] ?? GroupWindow(start: now, sent: 0, suppressed: 0)
            if now - w.start >= 60_000 { w = GroupWindow(start: now, sent: 0, suppressed: w.suppressed) }
            defer { windows[key] = w }
            guard w.sent < maxPerGroupPerMinute else {
                w.suppressed += 1
                return nil
            }
            w.sent += 1
            let carried = w.suppressed
            w.suppressed = 0
            return carried
        }
        guard let suppressed else {
            AlertingMetrics.notification(receiver.name, "suppressed")
            return
        }
        if case .dropped = continuation.yield(Item(event: event, fingerprint: fingerprint, receiver: receiver, suppressed: suppressed)) {
            AlertingMetrics.notification(receiver.name, "dropped")
        }
    }

    func run() async {
        await withTaskCancellationHandler {
            for await item in stream { await send(item) }
        } onCancel: { [continuation] in
            continuation.finish()
        }
    }

    func send(_ item: Item) async {
        let dsn = item.receiver.dsn(for: item.event.service)
        let category = SentryEnvelope.category(of: item.event)
        for attempt in 0...backoff.count {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            if limits.withLock({ $0[dsn.endpoint]?.limitedUntil(category, now: now) }) != nil {
                // Sentry said so: nothing of this category until the limit ends (sentry-python does the same).
                AlertingMetrics.notification(item.receiver.name, "rate_limited")
                await store.increment(receiver: item.receiver.name, "rate_limited")
                return
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/x-sentry-envelope")
            headers.add(name: "X-Sentry-Auth", value: dsn.authHeader)
            headers.add(name: "User-Agent", value: "admin-hub/1.0")
            let body = SentryEnvelope.build(for: item.event, fingerprint: item.fingerprint, suppressed: item.suppressed,
                                            sentAt: Date().ISO8601Format(.iso8601.year().month().day().time(includingFractionalSeconds: true)))
            let request = HTTPRequest(method: .post, url: dsn.endpoint, headers: headers, body: body, timeout: .seconds(30))
            do {
                let response = try await http.execute(request)
                limits.withLock { all in
                    var l = all[dsn.endpoint] ?? SentryRateLimits()
                    l.update(status: response.status, rateLimitsHeader: response.headers["X-Sentry-Rate-Limits"],
                             retryAfterHeader: response.headers["Retry-After"], now: Int64(Date().timeIntervalSince1970 * 1000))
                    all[dsn.endpoint] = l
                }
                switch response.status {
                case 200..<300:
                    AlertingMetrics.notification(item.receiver.name, "sent")
                    return
                case 429:
                    AlertingMetrics.notification(item.receiver.name, "rate_limited")
                    await store.increment(receiver: item.receiver.name, "rate_limited")
                    return
                case 500...:
                    break
                default:
                    AlertingMetrics.notification(item.receiver.name, "failed")
                    await store.deadLetter(receiver: item.receiver.name, eventID: item.event.id, status: response.status, answer: response.bodyText)
                    logger.error("Sentry refused an event; kept in alert_dead_letters",
                                 metadata: ["receiver": "\(item.receiver.name)", "status": "\(response.status)"])
                    return
                }
            } catch {
                logger.warning("Sentry unreachable; retrying", metadata: ["receiver": "\(item.receiver.name)", "error": "\(error)"])
            }
            if attempt < backoff.count { try? await Task.sleep(for: backoff[attempt]) }
        }
        AlertingMetrics.notification(item.receiver.name, "failed")
        await store.deadLetter(receiver: item.receiver.name, eventID: item.event.id, status: 0, answer: "gave up after \(backoff.count + 1) attempts")
    }
}
