import Foundation
import Sinks

/// The last answer to a sink's health probe.
public struct SinkProbeRecord: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case healthy
        case degraded(reason: String)
        case failed(kind: SinkErrorKind, message: String)
    }

    public var outcome: Outcome
    public var at: Date

    public init(outcome: Outcome, at: Date) {
        self.outcome = outcome
        self.at = at
    }

    public var answered: Bool {
        if case .failed = outcome { return false }
        return true
    }
}

/// What the hub shows about one store: the worker's view (the last delivery's outcome) judged
/// together with the store's probe (what the store is doing now). A delivery can sit for a minute in
/// a blocked request while the store is gone; the probe notices within seconds.
public struct SinkHealth: Sendable, Equatable {
    public var state: SinkState
    /// The error an operator should read first (behind `config.read`).
    public var detail: String?
    /// The last time the store took a batch or answered a probe well.
    public var lastSuccess: Date?

    public init(state: SinkState, detail: String?, lastSuccess: Date?) {
        self.state = state
        self.detail = detail
        self.lastSuccess = lastSuccess
    }

    /// Rules, first match wins:
    /// 1. credentials, privileges or version refused (by the worker or the probe): `misconfigured`;
    /// 2. the probe cannot reach the store: `unavailable`;
    /// 3. the store answers but says it is unwell, or refuses the deliveries: `degraded`;
    /// 4. otherwise the worker's own state (`starting`, `ready`).
    public static func judge(worker: SinkStatus, probe: SinkProbeRecord?, lastDelivery: Date?) -> SinkHealth {
        let probeSuccess = probe.flatMap { $0.answered ? $0.at : nil }
        let lastSuccess = [lastDelivery, probeSuccess].compactMap { $0 }.max()
        if worker.state == .misconfigured {
            return SinkHealth(state: .misconfigured, detail: worker.lastError, lastSuccess: lastSuccess)
        }
        switch probe?.outcome {
        case let .failed(kind, message)?:
            return SinkHealth(state: kind == .configuration ? .misconfigured : .unavailable, detail: message, lastSuccess: lastSuccess)
        case let .degraded(reason)?:
            return SinkHealth(state: .degraded, detail: reason, lastSuccess: lastSuccess)
        case .healthy?, nil:
            break
        }
        switch worker.state {
        case .retrying, .unavailable, .degraded:
            // Without a probe answer yet, a worker that cannot deliver is all we know: unavailable.
            return SinkHealth(state: probe == nil ? .unavailable : .degraded, detail: worker.lastError, lastSuccess: lastSuccess)
        case .starting, .ready, .misconfigured:
            return SinkHealth(state: worker.state, detail: worker.lastError, lastSuccess: lastSuccess)
        }
    }
}
