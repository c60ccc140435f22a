import Foundation
import Spool
import XCTest

/// Reading into a `SpoolBatch` (alerting and the live tail) gives what `read` gives, in one buffer.
final class SpoolBatchTests: XCTestCase {
    func testABatchReadGivesTheSameRecordsAsARecordRead() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory, segmentBytes: 4096, maxBytes: 1 << 22),
                              sinks: (0..<3).flatMap { ["records\($0)", "batch\($0)"] }, logger: quietLogger)
        defer { spool.close() }
        for call in 0..<30 { _ = try await spool.append((0..<(1 + call % 4)).map { payload(call: call, index: $0, size: 50 + 37 * call) }) }
        XCTAssertGreaterThan(spool.stats().segmentCount, 5)
        // Each pair of readers with its own limits: by records, by bytes (records of up to 1.1 kB), one at a time.
        for (index, limits) in [(records: 13, bytes: 1 << 20), (records: 1000, bytes: 900), (records: 1, bytes: 1 << 20)].enumerated() {
            let expected = try await readAll(spool.reader(for: "records\(index)"), batch: limits.records)
            let batched = try await readAllBatched(spool.reader(for: "batch\(index)"), batch: limits.records, maxBytes: limits.bytes)
            XCTAssertEqual(batched, expected, "limits \(limits)")
            XCTAssertEqual(batched.count, 73)
        }
    }

    func testABatchHonoursRecordAndByteLimitsButAlwaysHoldsOneRecord() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory), sinks: ["tail"], logger: quietLogger)
        defer { spool.close() }
        _ = try await spool.append((0..<10).map { payload(call: 0, index: $0, size: 100) })
        let reader = try spool.reader(for: "tail")
        var batch = SpoolBatch()
        try await reader.read(into: &batch, maxRecords: 3, maxBytes: 1 << 20, wait: .zero)
        XCTAssertEqual(batch.count, 3)
        XCTAssertEqual(batch.payloadBytes, 300)
        try await reader.read(into: &batch, maxRecords: 100, maxBytes: 250, wait: .zero)
        XCTAssertEqual(batch.count, 2, "two 100-byte payloads fit in 250 bytes, a third does not")
        try await reader.read(into: &batch, maxRecords: 100, maxBytes: 10, wait: .zero)
        XCTAssertEqual(batch.count, 1, "a record larger than maxBytes still comes, alone")
        XCTAssertEqual(batch.record(at: 0).payload, payload(call: 0, index: 5, size: 100))
        let lent = batch.withRecords { records in records.map { (Array($0.payload), $0.range) } }
        XCTAssertEqual(lent.map(\.0), [payload(call: 0, index: 5, size: 100)])
        XCTAssertEqual(lent.map(\.1), [0..<100])
        try await reader.read(into: &batch, maxRecords: 100, maxBytes: 1 << 20, wait: .zero)
        XCTAssertEqual(batch.count, 4)
        XCTAssertEqual(batch.firstOffset, batch.entries.first?.offset)
        try await reader.read(into: &batch, maxRecords: 100, maxBytes: 1 << 20, wait: .milliseconds(20))
        XCTAssertTrue(batch.isEmpty, "nothing new: empty after the wait")
        XCTAssertNil(batch.nextOffset)
    }

    /// The live tail holds records by their place in a batch's buffer while the batch is refilled:
    /// the held bytes stay as they were, whether the batch refills one buffer or gets one per read.
    func testRefillingABatchLeavesHeldBytesAlone() async throws {
        for reusing in [true, false] { try await refill(reusingBuffer: reusing) }
    }

    private func refill(reusingBuffer: Bool) async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory), sinks: ["tail"], logger: quietLogger)
        defer { spool.close() }
        let reader = try spool.reader(for: "tail")
        var batch = SpoolBatch(reusingBuffer: reusingBuffer)
        let first = (0..<5).map { payload(call: 1, index: $0, size: 300) }
        _ = try await spool.append(first)
        try await reader.read(into: &batch, maxRecords: 100, maxBytes: 1 << 20, wait: .zero)
        let held = batch
        _ = try await spool.append((0..<5).map { payload(call: 2, index: $0, size: 300) })
        try await reader.read(into: &batch, maxRecords: 100, maxBytes: 1 << 20, wait: .zero)
        XCTAssertEqual((0..<held.count).map { held.record(at: $0).payload }, first, "the held copy is untouched")
        XCTAssertEqual(batch.record(at: 0).payload, payload(call: 2, index: 0, size: 300))
        _ = try await spool.append((0..<5).map { payload(call: 3, index: $0, size: 300) })
        try await reader.read(into: &batch, maxRecords: 100, maxBytes: 1 << 20, wait: .zero)
        XCTAssertEqual((0..<batch.count).map { batch.record(at: $0).payload }, (0..<5).map { payload(call: 3, index: $0, size: 300) })
        XCTAssertEqual((0..<held.count).map { held.record(at: $0).payload }, first)
    }
}
