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

    func testALaggingDropOldestSinkNeverFillsTheSpool() async throws {
        let directory = try makeTemporaryDirectory(self)
        let log = LogRecorder()
        let spool = try Spool(configuration: configuration(directory), sinks: ["store", "tail"], logger: log.logger)
        defer { spool.close() }
        let store = try spool.reader(for: "store")
        let tail = try spool.reader(for: "tail")

        // 200 records = 141 KiB, more than twice the bound: the store keeps up, the tail never reads.
        for call in 0..<200 {
            _ = try await spool.append([payload(call: call, index: 0, size: 700)])
            let records = try await readAll(store)
            try await store.commit(through: records.last!.nextOffset)
        }

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
