import Foundation
import Intake
import Logging
import NIOCore
import NIOPosix
import Pipeline
@testable import PipelineArea
import Spool
import Transforms
import XCTest

/// A listener's queue goes to the intake in bodies under the body limit, in order; a TCP listener
/// keeps what the spool refuses and pauses its connections until the spool takes it.
final class ListenerIntakeTests: XCTestCase {
    private var directory = ""
    private let logger = Logger(label: "listener-intake-test") { _ in SwiftLogNoOpLogHandler() }

    override func setUp() {
        directory = NSTemporaryDirectory() + "listener-intake-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    func testChunksKeepOrderStayUnderTheLimitAndLetAnOversizedLineGoAlone() {
        let lines: [[UInt8]] = [[UInt8](repeating: 1, count: 40), [UInt8](repeating: 2, count: 40), [UInt8](repeating: 3, count: 30),
                                [UInt8](repeating: 4, count: 150), [UInt8](repeating: 5, count: 10)]
        XCTAssertEqual(ListenerChunks.ranges(of: lines[...], maxBytes: 100), [0..<2, 2..<3, 3..<4, 4..<5])
        XCTAssertEqual(ListenerChunks.ranges(of: lines[2...], maxBytes: 1000), [2..<5])
        XCTAssertEqual(ListenerChunks.ranges(of: lines[0..<0], maxBytes: 100), [])
    }

    /// 3,000 events of ~70 bytes with a 4 KiB body limit: one flush, ~60 intake calls, every event spooled once, in order.
    func testAFlushLargerThanTheBodyLimitIsSpooledWholeInOrder() async throws {
        let spool = try Spool(configuration: SpoolConfiguration(directory: directory), sinks: ["mongodb"], logger: logger)
        defer { spool.close() }
        let intake = makeIntake(spool: spool, .pauseReading)
        for n in 0..<3000 { intake.submit(Array(#"{"message":"event \#(n)","level":"info"}"#.utf8) + [0x0A]) }

        let outcome = await intake.flush()
        XCTAssertEqual(outcome, .drained)
        let records = try await spool.reader(for: "mongodb").read(maxRecords: 10_000, maxBytes: 64 << 20, wait: .zero)
        XCTAssertEqual(records.count, 3000)
        let messages = records.map { String(decoding: $0.payload, as: UTF8.self) }
        for n in [0, 1, 1499, 2999] {
            XCTAssertTrue(messages[n].contains("\"event \(n)\""), "record \(n) is event \(n): \(messages[n])")
        }
    }

    /// The spool is full: the TCP intake keeps the batch, answers `refused`, pauses a connection that
    /// reads meanwhile; once the sink has read and committed, the retry spools everything, once, in order.
    func testATCPIntakeKeepsWhatTheSpoolRefusesAndPausesReading() async throws {
        let spool = try Spool(configuration: SpoolConfiguration(directory: directory, segmentBytes: 64 << 10, maxBytes: 128 << 10),
                              sinks: ["mongodb"], logger: logger)
        defer { spool.close() }
        let intake = makeIntake(spool: spool, .pauseReading)
        let reader = try spool.reader(for: "mongodb")
        var spooled: [String] = []
        var (outcome, _) = await fillUntilRefused(intake)
        XCTAssertEqual(outcome, .refused, "128 KiB of spool fills before 2,000 events")
        let channel = try await connectedChannel()
        XCTAssertTrue(intake.pauseIfFull(channel), "a connection reading while the spool refuses is paused")
        try await channel.setOption(ChannelOptions.autoRead, value: false).get()  // what FrameHandler does then

        // The sink delivers: everything read is committed, the spool frees room, the retry goes through.
        for _ in 0..<200 where outcome != .drained {
            let records = try await reader.read(maxRecords: 10_000, maxBytes: 1 << 20, wait: .zero)
            spooled += records.map { String(decoding: $0.payload, as: UTF8.self) }
            if let last = records.last { try await reader.commit(through: last.nextOffset) }
            outcome = await intake.flush()
        }
        XCTAssertEqual(outcome, .drained)
        spooled += try await reader.read(maxRecords: 10_000, maxBytes: 1 << 20, wait: .zero).map { String(decoding: $0.payload, as: UTF8.self) }
        let numbers = spooled.compactMap { text -> Int? in
            guard let range = text.range(of: #"event \d+"#, options: .regularExpression) else { return nil }
            return Int(text[range].dropFirst(6))
        }
        XCTAssertEqual(numbers, Array(0..<numbers.count), "every event once, in order")
        XCTAssertGreaterThanOrEqual(numbers.count, 20)
        try await Task.sleep(for: .milliseconds(50))  // the resume runs on the channel's loop
        let reading = try await channel.getOption(ChannelOptions.autoRead).get()
        XCTAssertTrue(reading, "the flush the spool took resumed the paused connection")
        XCTAssertFalse(intake.pauseIfFull(channel), "with the queue empty a connection reads on")
    }

    /// A batch the full spool refused is counted as rejected by the intake once, not at every retry:
    /// while no room is freed the retries do not reach the intake; once the sink frees a segment the
    /// batch goes through, every event once.
    func testAHeldBatchIsCountedAsRejectedOnceWhileTheSpoolStaysFull() async throws {
        let spool = try Spool(configuration: SpoolConfiguration(directory: directory, segmentBytes: 64 << 10, maxBytes: 128 << 10),
                              sinks: ["mongodb"], logger: logger)
        defer { spool.close() }
        let ingest = makeIngest(spool: spool)
        let intake = makeIntake(spool: spool, .pauseReading, ingest: ingest)
        func rejected() -> Int { ingest.rates.snapshot().first { $0.key == "rejected/edge" }?.total ?? 0 }
        let (outcome, submitted) = await fillUntilRefused(intake)
        XCTAssertEqual(outcome, .refused)
        let once = rejected()
        XCTAssertGreaterThan(once, 0, "the refusal itself is the intake's to count")

        for _ in 0..<30 {
            let retry = await intake.flush()
            XCTAssertEqual(retry, .refused, "still full")
        }
        XCTAssertEqual(rejected(), once, "retries while the spool stays full are not rejections again")

        let reader = try spool.reader(for: "mongodb")
        var delivered = 0
        var last = ListenerIntake.FlushOutcome.refused
        for _ in 0..<200 where last != .drained {
            let records = try await reader.read(maxRecords: 10_000, maxBytes: 1 << 20, wait: .zero)
            delivered += records.count
            if let end = records.last { try await reader.commit(through: end.nextOffset) }
            last = await intake.flush()
        }
        XCTAssertEqual(last, .drained, "the held batch goes through once a segment is freed")
        while case let records = try await reader.read(maxRecords: 10_000, maxBytes: 1 << 20, wait: .zero), let end = records.last {
            delivered += records.count  // a read stops at a segment's end
            try await reader.commit(through: end.nextOffset)
        }
        XCTAssertEqual(rejected(), once, "and it was counted as rejected once in all")
        XCTAssertEqual(delivered, submitted, "every event submitted was spooled (none lost, none twice)")
    }

    /// The rule behind it: offer a held batch again when the spool has more room than at the refusal
    /// (the smaller of the two reads around it), or after the recheck interval whatever it says.
    func testAHeldBatchIsOfferedAgainWhenRoomGrowsOrTheRecheckIsDue() {
        let t0 = ContinuousClock.now
        let held = HeldBatchRetry(roomBefore: 900, roomAfter: 400, at: t0, recheckAfter: .seconds(60))
        XCTAssertEqual(held.roomAtRefusal, 400, "a segment freed just after the refusal still counts as growth")
        XCTAssertFalse(held.worthOffering(roomNow: 400, at: t0 + .seconds(1)), "as full as when it refused")
        XCTAssertFalse(held.worthOffering(roomNow: 100, at: t0 + .seconds(1)), "fuller")
        XCTAssertTrue(held.worthOffering(roomNow: 401, at: t0 + .seconds(1)), "room freed")
        XCTAssertFalse(held.worthOffering(roomNow: 400, at: t0 + .seconds(59)))
        XCTAssertTrue(held.worthOffering(roomNow: 100, at: t0 + .seconds(60)), "the timer's safety net")
    }

    /// After the last flush (the hub stops) nothing more is queued, and a paused connection stays paused.
    func testAfterTheFinalFlushNothingIsQueuedAndNoConnectionResumes() async throws {
        let spool = try Spool(configuration: SpoolConfiguration(directory: directory), sinks: ["mongodb"], logger: logger)
        defer { spool.close() }
        let intake = ListenerIntake(input: "gelf_tcp", service: "edge",
                                    ingest: IngestService(spool: spool, normalizer: EventNormalizer(), limits: IngestLimits(), logger: logger),
                                    spool: spool, logger: logger, whenFull: .pauseReading, maxQueuedBytes: 64)
        for n in 0..<10 { intake.submit(Array(#"{"message":"event \#(n)"}"#.utf8) + [0x0A]) }
        let channel = try await connectedChannel()
        XCTAssertTrue(intake.pauseIfFull(channel))
        try await channel.setOption(ChannelOptions.autoRead, value: false).get()

        await intake.flush(final: true)
        intake.submit(Array(#"{"message":"late"}"#.utf8) + [0x0A])
        let outcome = await intake.flush()
        XCTAssertEqual(outcome, .drained)
        let records = try await spool.reader(for: "mongodb").read(maxRecords: 100, maxBytes: 1 << 20, wait: .zero)
        XCTAssertEqual(records.count, 10, "the ten queued before, not the late one")
        try await Task.sleep(for: .milliseconds(50))
        let reading = try await channel.getOption(ChannelOptions.autoRead).get()
        XCTAssertFalse(reading, "a paused sender keeps its data at shutdown")
    }

    /// A real TCP connection over loopback (its `autoRead` is what NIO reads by), closed at tear-down.
    private func connectedChannel() async throws -> any Channel {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let client = try await ClientBootstrap(group: group).connect(to: server.localAddress!).get()
        addTeardownBlock {
            try? await client.close()
            try? await server.close()
        }
        return client
    }

    private func makeIntake(spool: Spool, _ whenFull: ListenerIntake.WhenFull, ingest: IngestService? = nil) -> ListenerIntake {
        ListenerIntake(input: "syslog_tcp", service: "edge", ingest: ingest ?? makeIngest(spool: spool), spool: spool, logger: logger, whenFull: whenFull)
    }

    private func makeIngest(spool: Spool) -> IngestService {
        IngestService(spool: spool, normalizer: EventNormalizer(), limits: IngestLimits(maxBodyBytes: 4096, maxEventBytes: 1024), logger: logger)
    }

    /// Submits `event <n>` lines, flushing every 20, until the spool refuses a flush (or 2,000 were
    /// submitted); returns the last flush's outcome and how many were submitted.
    private func fillUntilRefused(_ intake: ListenerIntake) async -> (ListenerIntake.FlushOutcome, submitted: Int) {
        for n in 0..<2000 {
            intake.submit(Array(#"{"message":"event \#(n)","level":"info"}"#.utf8) + [0x0A])
            if n % 20 == 19, await intake.flush() == .refused { return (.refused, n + 1) }
        }
        return (await intake.flush(), 2000)
    }
}
