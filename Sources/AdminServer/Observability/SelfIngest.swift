import LogModel
import Logging
import Pipeline
import ServiceLifecycle
import Spool
import Synchronization
import Transforms

/// Feeds the hub's own log lines into its pipeline as service `admin`.
///
/// The log handler must never block or recurse into the spool, so lines go into a bounded
/// in-memory queue and this service drains it in batches through the normal normaliser. When the
/// queue is full, lines are dropped and counted (they are still on stderr).
public final class SelfIngest: Service, Sendable {
    private let queue = Mutex<[JSONObject]>([])
    private let dropped = Atomic<Int>(0)
    private let capacity = 10_000
    private let normalizer: EventNormalizer
    private let spoolBox = Mutex<Spool?>(nil)

    public init(normalizer: EventNormalizer) {
        self.normalizer = normalizer
    }

    /// Normalises the hub's lines like any service's, with the hub's default environment.
    public convenience init(environment: String) {
        self.init(normalizer: EventNormalizer(configuration: NormalizerConfiguration(environment: environment)))
    }

    /// Called once the spool exists; lines logged before that wait in the queue.
    public func attach(spool: Spool) { spoolBox.withLock { $0 = spool } }

    /// The log handler's forward hook: cheap, never blocks.
    public func enqueue(_ line: JSONObject) {
        let accepted = queue.withLock { queue -> Bool in
            guard queue.count < capacity else { return false }
            queue.append(line)
            return true
        }
        if !accepted { dropped.add(1, ordering: .relaxed) }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                await self.flush()
            }
        }
        await flush()
    }

    func flush() async {
        guard let spool = spoolBox.withLock({ $0 }) else { return }
        let lines = queue.withLock { queue -> [JSONObject] in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
        guard !lines.isEmpty else { return }
        let context = IngestContext(serviceName: "admin", clientAddress: nil, receivedAtMicros: JSONLogHandler.nowMicros())
        var payloads: [[UInt8]] = []
        payloads.reserveCapacity(lines.count)
        for line in lines {
            if let event = try? normalizer.normalize(line, context: context) {
                payloads.append(event.spoolRecord())
            }
        }
        // A full spool refuses our own lines like anyone else's; they remain on stderr.
        _ = try? await spool.append(payloads)
    }
}
