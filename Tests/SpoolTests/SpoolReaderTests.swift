import Foundation
import Spool
import XCTest

final class SpoolReaderTests: XCTestCase {
    func testReaderSeesEveryRecordAcrossSegmentsInOrder() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory, segmentBytes: 4096, maxBytes: 1 << 22), sinks: ["es"],
                              logger: quietLogger)
        defer { spool.close() }
        var expected = [[UInt8]]()
        for call in 0..<30 {
            let batch = (0..<5).map { payload(call: call, index: $0, size: 200 + call) }
            expected += batch
            _ = try await spool.append(batch)
        }
        XCTAssertGreaterThan(spool.stats().segmentCount, 5)
        let records = try await readAll(spool.reader(for: "es"), batch: 13)
        XCTAssertEqual(records.map(\.payload), expected)
    }

    /// A sink reads 1,000 records (~400 KB) at a time through chunks of up to 4 MB: each chunk is read
    /// from the file once, not once per read (a pread of 4 MB for every 400 KB read was 17 % of an
    /// Elasticsearch drain's CPU). Records appended between reads are read too.
    func testSmallReadsOfABigSegmentReadEachByteFromTheFileAboutOnce() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory, segmentBytes: 16 << 20, maxBytes: 1 << 26), sinks: ["es"],
                              logger: quietLogger)
        defer { spool.close() }
        var expected = [[UInt8]]()
        for call in 0..<40 {
            let batch = (0..<250).map { payload(call: call, index: $0, size: 400) }
            expected += batch
            _ = try await spool.append(batch)
        }
        let reader = try spool.reader(for: "es")
        var records = try await readAll(reader, batch: 100)
        let late = (0..<300).map { payload(call: 99, index: $0, size: 400) }
        expected += late
        _ = try await spool.append(late)
        records += try await readAll(reader, batch: 100)
        XCTAssertEqual(records.map(\.payload), expected)
        let written = spool.stats().committedEndOffset
        XCTAssertLessThan(reader.fileBytesRead, written + written / 4,
                          "read \(reader.fileBytesRead) bytes from the file for \(written) bytes of records")
    }

    /// The live tail with nobody watching follows the end without reading: later reads start at
    /// the next append, and committing the skipped position lets the spool delete what was skipped.
    func testSkipToCommittedEndPassesOverEverythingCommittedAndFreesItsSegments() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory, segmentBytes: 4096, maxBytes: 1 << 22), sinks: ["tail"],
                              logger: quietLogger)
        defer { spool.close() }
        for call in 0..<20 { _ = try await spool.append((0..<5).map { payload(call: call, index: $0, size: 200) }) }
        XCTAssertGreaterThan(spool.stats().segmentCount, 3)
        let reader = try spool.reader(for: "tail")
        let end = reader.skipToCommittedEnd()
        XCTAssertEqual(end, spool.stats().committedEndOffset)
        let after = payload(call: 99, index: 0, size: 50)
        _ = try await spool.append([after])
        let records = try await reader.read(maxRecords: 100, maxBytes: 1 << 20, wait: .zero)
        XCTAssertEqual(records.map(\.payload), [after], "only what came after the skip")
        try await reader.commit(through: end)
        XCTAssertEqual(spool.stats().segmentCount, 1, "the skipped segments are deleted once the cursor passes them")
    }

    func testReadHonoursRecordAndByteLimitsButAlwaysReturnsOneRecord() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory), sinks: ["es"], logger: quietLogger)
        defer { spool.close() }
        _ = try await spool.append((0..<10).map { payload(call: 0, index: $0, size: 100) })
        let reader = try spool.reader(for: "es")
        let three = try await reader.read(maxRecords: 3, maxBytes: 1 << 20, wait: .zero)
        XCTAssertEqual(three.count, 3)
        let byBytes = try await reader.read(maxRecords: 100, maxBytes: 250, wait: .zero)
        XCTAssertEqual(byBytes.count, 2, "two 100-byte payloads fit in 250 bytes, a third does not")
        let oversized = try await reader.read(maxRecords: 100, maxBytes: 10, wait: .zero)
        XCTAssertEqual(oversized.count, 1, "a record larger than maxBytes still comes, alone")
        XCTAssertEqual(oversized.first?.payload, payload(call: 0, index: 5, size: 100))
    }

    func testWaitingReaderWakesPromptlyOnAppend() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory), sinks: ["es"], logger: quietLogger)
        defer { spool.close() }
        let reader = try spool.reader(for: "es")
        let clock = ContinuousClock()
        let start = clock.now
        let waiting = Task { try await reader.read(maxRecords: 10, maxBytes: 1 << 20, wait: .seconds(20)) }
        try await Task.sleep(for: .milliseconds(100))
        _ = try await spool.append([Array("wake up".utf8)])
        let records = try await waiting.value
        XCTAssertEqual(records.map(\.payload), [Array("wake up".utf8)])
        XCTAssertLessThan(clock.now - start, .seconds(5), "woken by the append, not by the timeout")
    }

    func testReadWithNothingNewReturnsEmptyAfterTheWait() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory), sinks: ["es"], logger: quietLogger)
        defer { spool.close() }
        let clock = ContinuousClock()
        let start = clock.now
        let records = try await spool.reader(for: "es").read(maxRecords: 10, maxBytes: 1 << 20, wait: .milliseconds(200))
        XCTAssertEqual(records, [])
        XCTAssertGreaterThanOrEqual(clock.now - start, .milliseconds(190))
    }

    func testCloseEndsAWaitingRead() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory), sinks: ["es"], logger: quietLogger)
        let reader = try spool.reader(for: "es")
        let waiting = Task { try await reader.read(maxRecords: 10, maxBytes: 1 << 20, wait: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        spool.close()
        do {
            _ = try await waiting.value
            XCTFail("expected .closed")
        } catch let error as SpoolError {
            XCTAssertEqual(error, .closed)
        }
    }

    func testCommittedCursorSurvivesReopenAndUncommittedRecordsAreReadAgain() async throws {
        let directory = try makeTemporaryDirectory(self)
        let payloads = (0..<10).map { payload(call: 0, index: $0) }
        var spool: Spool? = try Spool(configuration: .init(directory: directory), sinks: ["es", "mongo"], logger: quietLogger)
        _ = try await spool!.append(payloads)
        let reader = try spool!.reader(for: "es")
        let all = try await readAll(reader)
        XCTAssertEqual(all.count, 10)
        try await reader.commit(through: all[3].nextOffset)
        XCTAssertEqual(reader.committedOffset, all[3].nextOffset)
        spool?.close()
        spool = nil

        let reopened = try Spool(configuration: .init(directory: directory), sinks: ["es", "mongo"], logger: quietLogger)
        defer { reopened.close() }
        let again = try reopened.reader(for: "es")
        XCTAssertEqual(again.committedOffset, all[3].nextOffset)
        let esAgain = try await readAll(again).map(\.payload)
        XCTAssertEqual(esAgain, Array(payloads[4...]), "read but uncommitted: delivered again")
        let mongoAll = try await readAll(reopened.reader(for: "mongo")).map(\.payload)
        XCTAssertEqual(mongoAll, payloads, "a sink that committed nothing")
        let sinks = reopened.stats().sinks
        XCTAssertEqual(sinks.map(\.name), ["es", "mongo"])
        XCTAssertEqual(sinks.map(\.committedOffset), [all[3].nextOffset, 0])
        XCTAssertEqual(sinks.map(\.lagBytes), [all[9].nextOffset - all[3].nextOffset, all[9].nextOffset])
        // What was there at open is dated by the last segment's modification time, never in the future.
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        for sink in sinks {
            XCTAssertGreaterThan(sink.lagRecords, 0)
            XCTAssertLessThanOrEqual(try XCTUnwrap(sink.oldestUndeliveredAppendedAtMicros), now)
        }
    }

    func testCommitPastWhatWasReadIsRefusedAndACommitBehindTheCursorChangesNothing() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory), sinks: ["es"], logger: quietLogger)
        defer { spool.close() }
        let range = try await spool.append([[1], [2]])
        let reader = try spool.reader(for: "es")
        do {
            try await reader.commit(through: range.upperBound)
            XCTFail("a commit past the read position must be refused")
        } catch {
            XCTAssertEqual(error, .cursorOutOfRange(sink: "es", offset: range.upperBound, validRange: 0...0))
        }
        let records = try await readAll(reader)
        try await reader.commit(through: records[1].nextOffset)
        // Behind the cursor (e.g. a drop_oldest sink the spool moved on): no error, no move back.
        try await reader.commit(through: records[0].nextOffset)
        XCTAssertEqual(reader.committedOffset, records[1].nextOffset, "cursors do not move backwards")
    }

    func testSegmentIsDeletedOnlyWhenEverySinkHasPassedIt() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory, segmentBytes: 4096, maxBytes: 1 << 22),
                              sinks: ["es", "mongo"], logger: quietLogger)
        defer { spool.close() }
        for call in 0..<20 { _ = try await spool.append((0..<4).map { payload(call: call, index: $0, size: 300) }) }
        let segments = try segmentFiles(directory)
        XCTAssertGreaterThan(segments.count, 4)

        let es = try spool.reader(for: "es")
        let esRecords = try await readAll(es)
        try await es.commit(through: esRecords.last!.nextOffset)
        XCTAssertEqual(try segmentFiles(directory), segments, "mongo has not passed any segment yet")

        let mongo = try spool.reader(for: "mongo")
        let mongoRecords = try await mongo.read(maxRecords: 20, maxBytes: 1 << 20, wait: .zero)
        try await mongo.commit(through: mongoRecords.last!.nextOffset)
        let passed = mongoRecords.last!.nextOffset
        let remaining = try segmentFiles(directory)
        XCTAssertLessThan(remaining.count, segments.count)
        XCTAssertEqual(remaining, Array(segments.suffix(remaining.count)), "oldest first")
        let oldestBase = UInt64(remaining[0].dropLast(4))!
        XCTAssertLessThanOrEqual(oldestBase, passed, "the segment mongo is inside is kept")
        XCTAssertEqual(spool.stats().oldestOffset, oldestBase)

        let rest = try await readAll(mongo)
        try await mongo.commit(through: rest.last!.nextOffset)
        XCTAssertEqual(try segmentFiles(directory).count, 1, "only the active segment is left")
        XCTAssertEqual(spool.stats().retainedBytes, Int64(try bytesOnDisk(directory)))
    }

    func testWithoutSinksDataIsRetained() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory, segmentBytes: 4096, maxBytes: 1 << 22), sinks: [],
                              logger: quietLogger)
        for call in 0..<20 { _ = try await spool.append((0..<4).map { payload(call: call, index: $0, size: 300) }) }
        let count = try segmentFiles(directory).count
        spool.close()
        let reopened = try Spool(configuration: .init(directory: directory, segmentBytes: 4096, maxBytes: 1 << 22), sinks: [],
                                 logger: quietLogger)
        defer { reopened.close() }
        XCTAssertEqual(try segmentFiles(directory).count, count)
        XCTAssertEqual(reopened.stats().oldestOffset, 0)
    }

    func testNewSinkStartsAtTheOldestRetainedRecord() async throws {
        let directory = try makeTemporaryDirectory(self)
        let configuration = SpoolConfiguration(directory: directory, segmentBytes: 4096, maxBytes: 1 << 22)
        let spool = try Spool(configuration: configuration, sinks: ["es"], logger: quietLogger)
        for call in 0..<20 { _ = try await spool.append((0..<4).map { payload(call: call, index: $0, size: 300) }) }
        let es = try spool.reader(for: "es")
        let records = try await es.read(maxRecords: 50, maxBytes: 1 << 20, wait: .zero)
        try await es.commit(through: records.last!.nextOffset)
        let oldest = spool.stats().oldestOffset
        XCTAssertGreaterThan(oldest, 0)
        spool.close()

        let reopened = try Spool(configuration: configuration, sinks: ["es", "alerts"], logger: quietLogger)
        defer { reopened.close() }
        let alerts = try reopened.reader(for: "alerts")
        XCTAssertEqual(alerts.committedOffset, oldest)
        let first = try await alerts.read(maxRecords: 1, maxBytes: 1 << 20, wait: .zero)
        XCTAssertEqual(first.first?.offset, oldest)
    }
}
