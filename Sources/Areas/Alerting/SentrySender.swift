import Alerting
import ClientHTTP
import Foundation
import Logging
import Synchronization

/// Sends error events to Sentry (protocols.md 1): one envelope per event, at most
/// `max_events_per_group_per_minute` per group over all hub nodes (the rest counted, and the count
/// carried on the next event sent for that group), nothing for a category while its rate limit
/// lasts (per DSN, learnt by any node), 5xx and network errors retried with backoff, other 4xx to
/// `alert_dead_letters` with Sentry's answer. What it drops is reported to Sentry in a
/// `client_report` envelope every `client_report_seconds`. The queue is bounded: when Sentry is slow
/// the newest events are dropped and counted, never the spool reader held back.
final class SentrySender: Sendable {
    struct Item: Sendable {
        var event: AlertEvent
        var fingerprint: String
        var receiver: AlertingConfiguration.SentryReceiver
        var suppressed: Int64
        /// When the spool reader read the event (Unix ms): where its notification delay starts.
        var readAt: Int64
        var groupKey: String { Self.groupKey(receiver: receiver.name, fingerprint: fingerprint) }
        static func groupKey(receiver: String, fingerprint: String) -> String { receiver + ":" + fingerprint }
    }

    /// This node's share of a group's minute: past the cap (or once the shared count says the group
    /// is over it) further events are held back here without a round trip.
    struct GroupWindow {
        var minute: Int64
        var sent: Int
        var suppressed: Int64

        /// Takes one event of `minute`: the count of events held back before it when it may be
        /// sent (the count starts again), nil when the window has had `cap` already (counted).
        mutating func admit(minute: Int64, cap: Int) -> Int64? {
            if self.minute != minute { self = GroupWindow(minute: minute, sent: 0, suppressed: suppressed) }
            guard sent < cap else {
                suppressed += 1
                return nil
            }
            sent += 1
            defer { suppressed = 0 }
            return suppressed
        }
    }

    let http: HTTPClient
    let store: AlertStore
    let shared: SentrySharedLimits
    let settings: AlertingSettings
    var maxPerGroupPerMinute: Int { settings.current.sentryMaxEventsPerGroupPerMinute }
    let logger: Logger
    private let stream: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    /// Limits this node knows of (its own answers and the shared table's), by DSN endpoint; local clock.
    private let limits = Mutex<[String: SentryRateLimits]>([:])
    private let windows = Mutex<[String: GroupWindow]>([:])
    /// Discards not yet reported, by DSN endpoint (with the DSN to report them to).
    private let reports = Mutex<[String: (dsn: SentryDSN, report: SentryClientReport)]>([:])
    /// Backoff before retry n (5xx, network): 1 s, 2 s, 4 s.
    let backoff: [Duration] = [.seconds(1), .seconds(2), .seconds(4)]

    init(http: HTTPClient, store: AlertStore, settings: AlertingSettings, logger: Logger, queueSize: Int = 2000) {
        self.http = http
        self.store = store
        shared = SentrySharedLimits(database: store.database)
        self.settings = settings
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .bufferingOldest(queueSize))
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Called by the spool reader for each matching event; never waits.
    func offer(_ event: AlertEvent, fingerprint: String, receiver: AlertingConfiguration.SentryReceiver, now: Int64) {
        // Most errors of a burst are held back here (a group's cap per minute): they cost one look-up
        // of their window and a count, no `Item` (a copy of the event) and no copy of a report.
        let key = Item.groupKey(receiver: receiver.name, fingerprint: fingerprint)
        let cap = maxPerGroupPerMinute
        let minute = now / 60_000
        let suppressed: Int64? = windows.withLock { windows in
            if windows.count >= 100_000, windows[key] == nil { windows = windows.filter { $0.value.minute == minute } }
            return windows[key, default: GroupWindow(minute: minute, sent: 0, suppressed: 0)].admit(minute: minute, cap: cap)
        }
        guard let suppressed else {
            AlertingMetrics.notification(receiver.name, "suppressed")
            discard(.eventProcessor, receiver: receiver, event: event)
            return
        }
        if case .dropped = continuation.yield(Item(event: event, fingerprint: fingerprint, receiver: receiver, suppressed: suppressed, readAt: now)) {
            AlertingMetrics.notification(receiver.name, "dropped")
            discard(.queueOverflow, receiver: receiver, event: event)
        }
    }

    /// Counts a dropped event for the next client report to its DSN.
    func discard(_ reason: SentryClientReport.Reason, _ item: Item, quantity: Int64 = 1) {
        discard(reason, receiver: item.receiver, event: item.event, quantity: quantity)
    }

    func discard(_ reason: SentryClientReport.Reason, receiver: AlertingConfiguration.SentryReceiver, event: AlertEvent, quantity: Int64 = 1) {
        let dsn = receiver.dsn(for: event.service)
        let category = SentryEnvelope.category(of: event)
        reports.withLock { all in
            // In place: a copy of the entry taken out and put back copied its report's counts each time.
            all[dsn.endpoint, default: (dsn, SentryClientReport())].report.record(reason, category: category, quantity: quantity)
        }
    }

    func run() async {
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [self] in
                    for await item in stream { await send(item) }
                }
                group.addTask { [self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(settings.current.sentryClientReportSeconds))
                        await flushReports()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        } onCancel: { [continuation] in
            continuation.finish()
        }
    }

    /// Sends each DSN's pending client report in an envelope of its own (category `internal`, so an
    /// `error` limit does not hold it back); a report that does not get through is kept for the next.
    func flushReports() async {
        let pending = reports.withLock { all in
            defer { all.removeAll() }
            return all
        }
        for (endpoint, entry) in pending where !entry.report.isEmpty {
            if limits.withLock({ $0[endpoint]?.limitedUntil("internal", now: Self.now()) }) != nil {
                keep(entry)
                continue
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/x-sentry-envelope")
            headers.add(name: "X-Sentry-Auth", value: entry.dsn.authHeader)
            headers.add(name: "User-Agent", value: "admin-hub/1.0")
            let now = Date()
            let body = entry.report.envelope(timestamp: now.timeIntervalSince1970, sentAt: Self.sentAt(now))
            do {
                let response = try await http.execute(HTTPRequest(method: .post, url: endpoint, headers: headers, body: body, timeout: .seconds(30)))
                await learn(response, endpoint: endpoint)
                if response.status == 429 || response.status >= 500 { keep(entry) }
            } catch {
                keep(entry)
            }
        }
    }

    private func keep(_ entry: (dsn: SentryDSN, report: SentryClientReport)) {
        reports.withLock { all in
            var merged = all[entry.dsn.endpoint] ?? (entry.dsn, SentryClientReport())
            merged.report.merge(entry.report)
            all[entry.dsn.endpoint] = merged
        }
    }

    static func sentAt(_ date: Date) -> String { date.ISO8601Format(.iso8601.year().month().day().time(includingFractionalSeconds: true)) }

    /// Takes an answer's `X-Sentry-Rate-Limits` / `Retry-After` into this node's limits and the shared table.
    func learn(_ response: HTTPResponse, endpoint: String) async {
        let now = Self.now()
        var fresh = SentryRateLimits()
        fresh.update(status: response.status, rateLimitsHeader: response.headers["X-Sentry-Rate-Limits"],
                     retryAfterHeader: response.headers["Retry-After"], now: now)
        guard !fresh.until.isEmpty else { return }
        remember(endpoint, fresh.until)
        for (category, end) in fresh.until {
            do { try await shared.limit(endpoint: endpoint, category: category, remainingMillis: end - now) } catch {
                logger.warning("cannot share a Sentry rate limit with the other nodes", metadata: ["error": "\(error)"])
            }
        }
    }

    private func remember(_ endpoint: String, _ until: [String: Int64]) {
        limits.withLock { all in
            var l = all[endpoint] ?? SentryRateLimits()
            for (category, end) in until { l.extend(category, to: end) }
            all[endpoint] = l
        }
    }

    /// The event may go: no limit known here or to another node, and the group is within its cap.
    /// Returns the held-back count to carry, or nil when it was dropped (and counted).
    func admit(_ item: Item, endpoint: String, category: String) async -> Int64? {
        if limits.withLock({ $0[endpoint]?.limitedUntil(category, now: Self.now()) }) != nil {
            // Sentry said so: nothing of this category until the limit ends (sentry-python does the same).
            await rateLimited(item)
            return nil
        }
        let verdict: SentrySharedLimits.Verdict
        do {
            verdict = try await shared.admit(endpoint: endpoint, category: category, groupKey: item.groupKey,
                                             maxPerMinute: maxPerGroupPerMinute, carried: item.suppressed)
        } catch {
            // PostgreSQL unreachable: this node's own limits and cap still hold.
            return item.suppressed
        }
        switch verdict {
        case .send(let carried):
            return carried
        case .limited(let remaining):
            remember(endpoint, [category: Self.now() + remaining])
            await rateLimited(item)
            return nil
        case .capped:
            // Other nodes used up the group's minute: hold back the rest of it here without asking again.
            let minute = Self.now() / 60_000
            let max = maxPerGroupPerMinute
            windows.withLock { windows in
                if var w = windows[item.groupKey], w.minute == minute {
                    w.sent = max
                    windows[item.groupKey] = w
                }
            }
            AlertingMetrics.notification(item.receiver.name, "suppressed")
            discard(.eventProcessor, item)
            return nil
        }
    }

    private func rateLimited(_ item: Item) async {
        AlertingMetrics.notification(item.receiver.name, "rate_limited")
        discard(.rateLimitBackoff, item)
        await store.increment(receiver: item.receiver.name, "rate_limited")
    }

    func send(_ item: Item) async {
        let dsn = item.receiver.dsn(for: item.event.service)
        let category = SentryEnvelope.category(of: item.event)
        guard let suppressed = await admit(item, endpoint: dsn.endpoint, category: category) else { return }
        var firstRequestAt: Int64?
        for attempt in 0...backoff.count {
            if limits.withLock({ $0[dsn.endpoint]?.limitedUntil(category, now: Self.now()) }) != nil {
                await rateLimited(item)
                return
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/x-sentry-envelope")
            headers.add(name: "X-Sentry-Auth", value: dsn.authHeader)
            headers.add(name: "User-Agent", value: "admin-hub/1.0")
            let body = SentryEnvelope.build(for: item.event, fingerprint: item.fingerprint, suppressed: suppressed, sentAt: Self.sentAt(Date()))
            let request = HTTPRequest(method: .post, url: dsn.endpoint, headers: headers, body: body, timeout: .seconds(30))
            let requestAt = firstRequestAt ?? Self.now()
            firstRequestAt = requestAt
            do {
                let response = try await http.execute(request)
                await learn(response, endpoint: dsn.endpoint)
                switch response.status {
                case 200..<300:
                    AlertingMetrics.notification(item.receiver.name, "sent")
                    AlertingMetrics.delay(item.receiver.name, milliseconds: requestAt - item.readAt)
                    return
                case 429:
                    // Relay counts an event it answered 429 to as its own outcome: not reported again here.
                    AlertingMetrics.notification(item.receiver.name, "rate_limited")
                    await store.increment(receiver: item.receiver.name, "rate_limited")
                    return
                case 500...:
                    break
                default:
                    AlertingMetrics.notification(item.receiver.name, "failed")
                    discard(.sendError, item)
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
        discard(.networkError, item)
        await store.deadLetter(receiver: item.receiver.name, eventID: item.event.id, status: 0, answer: "gave up after \(backoff.count + 1) attempts")
    }
}
