import Foundation
import Spool
import XCTest
import Logging

final class SpoolDropOldestTests: XCTestCase {
    /// 4 KiB segments (5 records of 700 bytes each), 64 KiB bound; "tail" may lag 8 KiB.
    private func configuration(_ directory: String) -> SpoolConfiguration {
        SpoolConfiguration(directory: directory, segmentBytes: 4096, maxBytes: 64 << 10,
                           sinkPolicies: ["tail": .dropOldest(maxLagBytes: 8192)])
    }

    /// A spool with a "store" sink and a "tail" that may lag 8 KiB, and the log it writes to.
    private func openStoreAndTail() throws -> (spool: Spool, store: SpoolReader, tail: SpoolReader, log: LogRecorder) {
        let log = LogRecorder()
        let spool = try Spool(configuration: configuration(try makeTemporaryDirectory(self)), sinks: ["store", "tail"], logger: log.logger)
        return (spool, try spool.reader(for: "store"), try spool.reader(for: "tail"), log)
    }

    /// Appends record `call` (700 bytes) and lets the store read and commit it.
    private func append(_ call: Int, to spool: Spool, storeKeepingUp store: SpoolReader) async throws {
        _ = try await spool.append([payload(call: call, index: 0, size: 700)])
        try await store.commit(through: try await readAll(store).last!.nextOffset)
    }

    func testALaggingDropOldestSinkNeverFillsTheSpool() async throws {
        let (spool, store, tail, log) = try openStoreAndTail()
        defer { spool.close() }

        // 200 records = 141 KiB, more than twice the bound: the store keeps up, the tail never reads.
        for call in 0..<200 { try await append(call, to: spool, storeKeepingUp: store) }

        let stats = spool.stats()
        XCTAssertLessThanOrEqual(stats.retainedBytes, 8192 + 3 * 4096, "space is reclaimed behind the dropping sink")
        XCTAssertGreaterThan(tail.skips.droppedBytes, 100_000)
        XCTAssertGreaterThan(tail.skips.droppedSegments, 20)
        XCTAssertLessThanOrEqual(stats.committedEndOffset - tail.committedOffset, 8192 + 4096)
        let warning = try XCTUnwrap(log.all.first { $0.message.contains("drop_oldest") })
        XCTAssertEqual(warning.level, .warning)
        XCTAssertEqual(warning.metadata["sink.name"], "tail")

        // What the tail reads now is the newest records, in order, ending with the last one.
        let newest = try await readAll(tail)
        XCTAssertEqual(newest.last?.payload, payload(call: 199, index: 0, size: 700))
        XCTAssertEqual(newest.first?.offset, tail.committedOffset)
    }

    /// A best-effort reader saves its cursor every few seconds (the live tail) or once a second
    /// while behind (alerting): what it has read but not yet committed is not lag, and nothing is
    /// counted or logged as skipped while it keeps up.
    func testAReaderThatKeepsUpButCommitsRarelySkipsNothing() async throws {
        let (spool, store, tail, log) = try openStoreAndTail()
        defer { spool.close() }
        var read = [[UInt8]]()
        for call in 0..<100 {  // 70 KiB, far past the tail's 8 KiB bound, and it never commits
            try await append(call, to: spool, storeKeepingUp: store)
            read += try await readAll(tail).map(\.payload)
        }
        XCTAssertEqual(read, (0..<100).map { payload(call: $0, index: 0, size: 700) }, "every record, in order")
        XCTAssertEqual(tail.skips, SpoolReaderSkips())
        XCTAssertNil(log.all.first { $0.message.contains("drop_oldest") })
        XCTAssertEqual(spool.stats().sinks.first { $0.name == "tail" }?.skips, SpoolReaderSkips())

        // Once it falls behind, only what it has not read counts as skipped.
        for call in 100..<140 { _ = try await spool.append([payload(call: call, index: 0, size: 700)]) }
        let skipped = tail.skips.droppedBytes
        XCTAssertGreaterThan(skipped, 0)
        let rest = try await readAll(tail)
        XCTAssertEqual(rest.last?.payload, payload(call: 139, index: 0, size: 700))
        XCTAssertLessThanOrEqual(Int(skipped) + rest.reduce(0) { $0 + $1.payload.count }, 40 * (700 + 64), "skipped and read are at most what was appended since")
    }

    /// The live tail's bound is one segment long. A reader a record or two behind the end (it
    /// reads every few milliseconds) that never saves its cursor still gets every record across
    /// segment boundaries: the bound moves its cursor to where it reads, not past it to the active
    /// segment (which skipped a few MiB at each new segment under a steady 250k events/s).
    func testAReaderJustBehindTheEndSkipsNothingWhenTheBoundIsOneSegment() async throws {
        let log = LogRecorder()
        let configuration = SpoolConfiguration(directory: try makeTemporaryDirectory(self), segmentBytes: 4096, maxBytes: 64 << 10,
                                               sinkPolicies: ["tail": .dropOldest(maxLagBytes: 4096)])
        let spool = try Spool(configuration: configuration, sinks: ["store", "tail"], logger: log.logger)
        defer { spool.close() }
        let store = try spool.reader(for: "store"), tail = try spool.reader(for: "tail")
        var read = [[UInt8]]()
        for call in 0..<100 {  // 70 KiB over some 17 segments; the tail reads after every other append
            try await append(call, to: spool, storeKeepingUp: store)
            if call % 2 == 1 { read += try await readAll(tail).map(\.payload) }
        }
        // Compared by count and equality: a failure printing 100 payloads would bury the point.
        XCTAssertEqual(read.count, 100)
        XCTAssertTrue(read == (0..<100).map { payload(call: $0, index: 0, size: 700) }, "every record, in order")
        XCTAssertEqual(tail.skips, SpoolReaderSkips())
        XCTAssertNil(log.all.first { $0.message.contains("drop_oldest") })
        XCTAssertLessThanOrEqual(spool.stats().retainedBytes, 4096 + 3 * 4096, "the space is still reclaimed")
    }

    /// A reader that follows the end without reading (the live tail while nobody watches) is moved
    /// along by the bound without anything counted or logged as skipped.
    func testAFollowingReaderIsMovedAlongWithoutSkipping() async throws {
        let (spool, store, tail, log) = try openStoreAndTail()
        defer { spool.close() }
        tail.follow(true)
        for call in 0..<100 { try await append(call, to: spool, storeKeepingUp: store) }
        XCTAssertEqual(tail.skips, SpoolReaderSkips())
        XCTAssertNil(log.all.first { $0.message.contains("drop_oldest") })
        XCTAssertLessThanOrEqual(spool.stats().retainedBytes, 8192 + 3 * 4096, "the space is still reclaimed")
        tail.follow(false)
        for call in 100..<140 { _ = try await spool.append([payload(call: call, index: 0, size: 700)]) }
        XCTAssertGreaterThan(tail.skips.droppedBytes, 0, "reading again, it lags and skips like any reader")
    }

    func testABlockSinkLosesNothingWhileADropOldestSinkSkips() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: configuration(directory), sinks: ["store", "tail"], logger: quietLogger)
        defer { spool.close() }
        var appended = [[UInt8]]()
        for call in 0..<40 {
            let record = payload(call: call, index: 0, size: 700)
            _ = try await spool.append([record])
            appended.append(record)
        }
        let tail = try spool.reader(for: "tail")
        XCTAssertGreaterThan(tail.skips.droppedBytes, 0)
        let store = try await readAll(try spool.reader(for: "store"))
        XCTAssertEqual(store.map(\.payload), appended, "the store's reader still has every record")
        let tailRecords = try await readAll(tail)
        XCTAssertLessThan(tailRecords.count, appended.count)
    }

    func testAStuckBlockSinkStillFillsTheSpool() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: configuration(directory), sinks: ["store", "tail"], logger: quietLogger)
        defer { spool.close() }
        do {
            for call in 0..<200 { _ = try await spool.append([payload(call: call, index: 0, size: 700)]) }
            XCTFail("a block sink that never commits must fill the spool")
        } catch {
            guard case .full = error else { return XCTFail("\(error)") }
        }
    }
}
