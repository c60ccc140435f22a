import Foundation
import Logging
import Pipeline
import ServiceLifecycle
import Sinks
import Synchronization

/// Asks one store every few seconds whether it answers (`Sink.probe`), independently of the sink
/// worker, which may sit in a blocked request for as long as the store takes. The answer feeds the
/// sink's health; when the store answers again after it did not, the worker's backoff is cut short.
final class SinkProbeService: Service, Sendable {
    let worker: SinkWorker
    private let interval: Duration
    private let logger: Logger
    private let last = Mutex<SinkProbeRecord?>(nil)

    init(worker: SinkWorker, interval: Duration, logger: Logger) {
        self.worker = worker
        self.interval = interval
        var logger = logger
        logger[metadataKey: "sink.name"] = "\(worker.sink.name)"
        self.logger = logger
    }

    /// The last probe's answer; nil before the first one.
    var lastRecord: SinkProbeRecord? { last.withLock { $0 } }

    /// The worker and the probe judged together.
    var health: SinkHealth {
        SinkHealth.judge(worker: worker.currentStatus, probe: lastRecord, lastDelivery: worker.lastDeliveredAt)
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.probeOnce()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    func probeOnce() async {
        let outcome: SinkProbeRecord.Outcome
        do {
            switch try await worker.sink.probe() {
            case .healthy: outcome = .healthy
            case .degraded(let reason): outcome = .degraded(reason: reason)
            }
        } catch {
            outcome = .failed(kind: error.kind, message: error.message)
        }
        let record = SinkProbeRecord(outcome: outcome, at: Date())
        let previous = last.withLock { last in
            defer { last = record }
            return last
        }
        let wasAnswering = previous?.answered ?? true
        if wasAnswering, !record.answered, case let .failed(_, message) = outcome {
            logger.warning("the store does not answer its health probe; deliveries wait in the spool", metadata: ["error": "\(message)"])
        } else if !wasAnswering, record.answered {
            logger.info("the store answers its health probe again; delivery resumes now")
            worker.nudge()
        }
    }
}
