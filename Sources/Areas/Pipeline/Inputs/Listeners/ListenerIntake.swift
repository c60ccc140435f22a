import Intake
import Logging
import Metrics
import NIOCore
import Pipeline
import ServiceLifecycle
import Synchronization
import Transforms
import LogModel

/// The intake of a listener that has no answer to give (GELF over UDP or TCP, syslog): events are
/// collected for up to 20 ms and spooled in one request, so a stream of small messages costs one
/// fsync per batch instead of one each. The protocols have no acknowledgement and no way to push
/// back, so while the spool refuses (full, disk full) events are dropped and counted
/// (`admin_input_dropped_total{input,reason}`), never held without bound.
final class ListenerIntake: Service, CustomStringConvertible {
    let input: String
    let service: String
    private let ingest: IngestService
    private let logger: Logger
    private let queued = Mutex<(lines: [[UInt8]], bytes: Int)>(([], 0))
    private let maxQueuedBytes: Int
    private let dropped: Counter
    private let received: Counter

    var description: String { "ListenerIntake(\(input) → \(service))" }

    init(input: String, service: String, ingest: IngestService, logger: Logger, maxQueuedBytes: Int = 64 << 20) {
        self.input = input
        self.service = service
        self.ingest = ingest
        self.logger = logger
        self.maxQueuedBytes = maxQueuedBytes
        dropped = Counter(label: "admin_input_dropped_total", dimensions: [("input", input), ("reason", "queue_full")])
        received = Counter(label: "admin_input_events_total", dimensions: [("input", input)])
    }

    /// Called on an event loop: only appends.
    func submit(_ line: [UInt8]) {
        let kept = queued.withLock { state -> Bool in
            guard state.bytes + line.count <= maxQueuedBytes else { return false }
            state.lines.append(line)
            state.bytes += line.count
            return true
        }
        if kept { received.increment() } else { dropped.increment() }
    }

    /// Queues an event read by a listener (GELF, syslog), as one NDJSON line for the intake.
    func submit(event: JSONObject) {
        submit(JSONValue.object(event).serialized() + [UInt8(ascii: "\n")])
    }

    /// A message the listener could not read (bad compression, not JSON, …): counted, logged at debug.
    func reject(_ reason: String, detail: String) {
        Counter(label: "admin_input_dropped_total", dimensions: [("input", input), ("reason", reason)]).increment()
        logger.debug("input message rejected", metadata: ["input": "\(input)", "reason": "\(reason)", "detail": "\(detail)"])
    }

    /// Spools every 20 ms until the hub stops (its listener stops first: services stop in reverse
    /// order), then spools what is left.
    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .milliseconds(20))
            await flush()
        }
        await flush()
    }

    /// Spools what is queued now (also used by tests and at shutdown).
    func flush() async {
        let lines = queued.withLock { state -> [[UInt8]] in
            defer { state = ([], 0) }
            return state.lines
        }
        guard !lines.isEmpty else { return }
        var body = ByteBuffer()
        body.reserveCapacity(lines.reduce(0) { $0 + $1.count })
        for line in lines { body.writeBytes(line) }
        let context = IngestContext(serviceName: service, clientAddress: nil, receivedAtMicros: WallClock.nowMicros())
        do {
            let receipt = try await ingest.ingest(body: body, contentType: "application/x-ndjson", contentEncoding: nil, context: context)
            if receipt.rejected > 0 {
                Counter(label: "admin_input_dropped_total", dimensions: [("input", input), ("reason", "invalid_event")]).increment(by: receipt.rejected)
            }
        } catch {
            Counter(label: "admin_input_dropped_total", dimensions: [("input", input), ("reason", "spool_refused")]).increment(by: lines.count)
            logger.warning("input events dropped: the spool refused them", metadata: ["input": "\(input)", "events": "\(lines.count)", "error": "\(error)"])
        }
    }
}
