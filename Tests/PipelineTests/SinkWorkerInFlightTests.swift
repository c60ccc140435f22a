import ClientPostgres
import Foundation
import LogModel
import Logging
import Pipeline
import Sinks
import Spool
import Synchronization
import XCTest

/// A real spool and worker in front of a sink whose answers the test scripts per batch (by the
/// batch's first event): several batches in flight, finishing out of order, failing, dead-lettered.
final class SinkWorkerInFlightTests: XCTestCase {
    private let logger = Logger(label: "pipeline-test") { _ in SwiftLogNoOpLogHandler() }
    private var directory = ""
    private var spool: Spool!

    override func setUp() async throws {
        directory = NSTemporaryDirectory() + "pipeline-inflight-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        spool = try Spool(configuration: SpoolConfiguration(directory: directory), sinks: ["scripted"], logger: logger)
    }

    override func tearDown() async throws {
        spool?.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Appends `count` events e0…e(count-1) one by one: the worker reads them in batches of `batchMaxEvents`.
    private func fill(_ count: Int) async throws -> UInt64 {
        var end: UInt64 = 0
        for index in 0..<count {
            let event = SpooledEvent(id: "e\(index)", timestampMillis: 1_764_000_000_000, json: Array(#"{"message":"m\#(index)"}"#.utf8))
            end = try await spool.append([event.encoded()]).upperBound
        }
        return end
    }

    private func worker(_ sink: ScriptedSink, maxInFlight: Int, deadLetters: DeadLetterStore? = nil) throws -> (SinkWorker, PostgresClient?) {
        var unused: PostgresClient?
        let store: DeadLetterStore
        if let deadLetters {
            store = deadLetters
        } else {
            // Never reached: these tests dead-letter nothing.
            let database = try PostgresClient(url: "postgresql://127.0.0.1:1/unused", poolSize: 1, logger: logger)
            unused = database
            store = DeadLetterStore(database: database, logger: logger)
        }
        let configuration = DeliveryConfiguration(batchMaxEvents: 10, batchMaxWait: .milliseconds(20),
                                                  retry: RetryPolicy(initial: .milliseconds(5), maximum: .milliseconds(20)),
                                                  maxItemAttempts: 3, maxInFlight: maxInFlight)
        return (SinkWorker(sink: sink, reader: try spool.reader(for: "scripted"), deadLetters: store, configuration: configuration,
                           logger: logger), unused)
    }

    private func until(_ what: String, timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { return XCTFail("timed out waiting for: \(what)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func testBatchesFinishingOutOfOrderCommitTheCursorInOrder() async throws {
        let end = try await fill(30)
        let sink = ScriptedSink()
        sink.hold("e0")
        let (worker, unused) = try worker(sink, maxInFlight: 3)
        let reader = try spool.reader(for: "scripted")
        let running = Task { try await worker.run() }

        try await until("batches 2 and 3 stored while batch 1 is held") { sink.stored.count == 20 }
        XCTAssertEqual(Set(sink.stored), Set((10..<30).map { "e\($0)" }))
        XCTAssertEqual(worker.inFlightBatches, 3, "the two finished batches wait for the first")
        try await Task.sleep(for: .milliseconds(100))
        XCTAssertEqual(reader.committedOffset, 0, "the cursor never passes the batch still in flight")

        sink.release("e0")
        try await until("the cursor at the end") { reader.committedOffset == end }
        XCTAssertEqual(sink.stored.count, 30, "each event delivered once")
        XCTAssertEqual(worker.inFlightBatches, 0)
        XCTAssertGreaterThanOrEqual(sink.maxConcurrent, 2, "later batches were sent while the first one was in flight")
        running.cancel()
        _ = await running.result
        await unused?.shutdown()
    }

    func testAFailingBatchHoldsTheCursorWhileTheNextOneSucceeds() async throws {
        let end = try await fill(20)
        let sink = ScriptedSink()
        // Every item of batch 1 refused alike (a busy store's per-item 429s): retried without limit,
        // and the request as such went through, so the other batches go on.
        sink.refuseAllItems("e0", times: .max)
        let (worker, unused) = try worker(sink, maxInFlight: 2)
        let reader = try spool.reader(for: "scripted")
        let running = Task { try await worker.run() }

        try await until("batch 2 stored") { sink.stored.count == 10 }
        try await until("batch 1 retried a few times") { sink.attempts("e0") >= 3 }
        XCTAssertEqual(reader.committedOffset, 0, "batch 2 succeeded, but batch 1 is not delivered: the cursor stays")
        XCTAssertEqual(worker.currentStatus.state, .retrying, "the failing batch is what the health shows")

        sink.refuseAllItems("e0", times: 0)
        try await until("the cursor at the end") { reader.committedOffset == end }
        XCTAssertEqual(Set(sink.stored), Set((0..<20).map { "e\($0)" }))
        XCTAssertEqual(worker.currentStatus.state, .ready)
        running.cancel()
        _ = await running.result
        await unused?.shutdown()
    }

    func testWhileTheStoreRefusesWholeRequestsOnlyOneBatchTriesIt() async throws {
        let end = try await fill(30)
        let sink = ScriptedSink()
        sink.setDown(true)
        let (worker, unused) = try worker(sink, maxInFlight: 3)
        let reader = try spool.reader(for: "scripted")
        let running = Task { try await worker.run() }

        try await until("one batch retried many times") { ["e0", "e10", "e20"].map(sink.attempts).max()! >= 8 }
        let attempts = ["e0", "e10", "e20"].map(sink.attempts)
        XCTAssertEqual(attempts.filter { $0 > 1 }.count, 1, "one batch probes the store, the others wait: \(attempts)")
        XCTAssertEqual(reader.committedOffset, 0)

        sink.setDown(false)
        try await until("the cursor at the end") { reader.committedOffset == end }
        XCTAssertEqual(Set(sink.stored), Set((0..<30).map { "e\($0)" }))
        running.cancel()
        _ = await running.result
        await unused?.shutdown()
    }

    func testRejectionsAndRepeatedItemRefusalsStillGoToTheDeadLetters() async throws {
        let database = try await PipelineTestDatabase.create()
        let deadLetters = DeadLetterStore(database: database.client, logger: logger)
        let end = try await fill(30)
        let sink = ScriptedSink()
        sink.hold("e0")
        sink.reject("e3")          // batch 1, held: rejected once it is let go
        sink.refuseItem("e15")     // batch 2: refused alone every time, given up after 3 attempts
        let (worker, _) = try worker(sink, maxInFlight: 4, deadLetters: deadLetters)
        let reader = try spool.reader(for: "scripted")
        let running = Task { try await worker.run() }

        // e15's first refusal came with its batch (first e10), the next ones alone.
        try await until("batch 2 gave up on e15") { sink.attempts("e15") >= 2 && sink.stored.count == 19 }
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertEqual(reader.committedOffset, 0)
        sink.release("e0")
        try await until("the cursor at the end") { reader.committedOffset == end }
        let letters = try await deadLetters.list(DeadLetterFilter())
        XCTAssertEqual(Set(letters.map(\.eventID)), ["e3", "e15"])
        XCTAssertEqual(Set(sink.stored), Set((0..<30).map { "e\($0)" }).subtracting(["e3", "e15"]))
        running.cancel()
        _ = await running.result
        await database.drop()
    }
}

/// A sink that answers per batch as the test says; a batch is named by its first event's id.
private final class ScriptedSink: Sink, Sendable {
    let name = "scripted"
    private struct Script {
        var held: Set<String> = []
        var down = false
        var failures: [String: Int] = [:]
        var rejected: Set<String> = []
        var refused: Set<String> = []
        var stored: [String] = []
        var attempts: [String: Int] = [:]
        var concurrent = 0
        var maxConcurrent = 0
    }
    private let script = Mutex(Script())

    func setDown(_ down: Bool) { script.withLock { $0.down = down } }
    func hold(_ first: String) { script.withLock { _ = $0.held.insert(first) } }
    func release(_ first: String) { script.withLock { _ = $0.held.remove(first) } }
    func refuseAllItems(_ first: String, times: Int) { script.withLock { $0.failures[first] = times } }
    func reject(_ id: String) { script.withLock { _ = $0.rejected.insert(id) } }
    func refuseItem(_ id: String) { script.withLock { _ = $0.refused.insert(id) } }
    var stored: [String] { script.withLock { $0.stored } }
    var maxConcurrent: Int { script.withLock { $0.maxConcurrent } }
    func attempts(_ first: String) -> Int { script.withLock { $0.attempts[first] ?? 0 } }

    func prepare() async throws(SinkError) {}
    func probe() async throws(SinkError) -> SinkProbe { .healthy }

    func deliver(_ events: [SpooledEvent]) async -> DeliveryReport {
        let first = events.first?.id ?? ""
        script.withLock {
            $0.attempts[first, default: 0] += 1
            $0.concurrent += 1
            $0.maxConcurrent = max($0.maxConcurrent, $0.concurrent)
        }
        defer { script.withLock { $0.concurrent -= 1 } }
        while script.withLock({ $0.held.contains(first) }), !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return script.withLock { s in
            if s.down { return .retryAll(events.count, reason: "store down", retryAfterSeconds: 0.05) }
            if let left = s.failures[first], left > 0 {
                s.failures[first] = left - 1
                return DeliveryReport(items: Array(repeating: .retry(reason: "rejected execution"), count: events.count))
            }
            let items: [ItemOutcome] = events.map { event in
                if s.rejected.contains(event.id) { return .reject(reason: "mapping error") }
                if s.refused.contains(event.id) { return .retry(reason: "this one again") }
                s.stored.append(event.id)
                return .stored
            }
            return DeliveryReport(items: items)
        }
    }
}
