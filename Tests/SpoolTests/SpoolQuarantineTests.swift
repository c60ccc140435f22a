import Foundation
import Spool
import XCTest
import Logging

final class SpoolQuarantineTests: XCTestCase {
    private func configuration(_ directory: String) -> SpoolConfiguration {
        SpoolConfiguration(directory: directory, segmentBytes: 4096, maxBytes: 1 << 22)
    }

    /// 15 records of 700 bytes over several 4 KiB segments, spool closed.
    private func writeSpool(_ directory: String) async throws -> [[UInt8]] {
        let spool = try Spool(configuration: configuration(directory), sinks: ["es"], logger: quietLogger)
        var payloads = [[UInt8]]()
        for call in 0..<15 {
            let batch = [payload(call: call, index: 0, size: 700)]
            payloads += batch
            _ = try await spool.append(batch)
        }
        spool.close()
        return payloads
    }

    /// Flips a byte inside the second record's payload of the first segment (acknowledged data).
    private func corruptFirstSegment(_ directory: String) throws -> String {
        let path = directory + "/segments/" + (try segmentFiles(directory)[0])
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data[16 + 708 + 8 + 100] ^= 0xFF
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    func testACorruptSealedSegmentIsQuarantinedAndReadingGoesOnWithTheNext() async throws {
        let directory = try makeTemporaryDirectory(self)
        let payloads = try await writeSpool(directory)
        let corrupt = try corruptFirstSegment(directory)
        let perSegment = 4080 / 708  // records of 700 bytes + 8 header bytes in a 4096-byte segment after its header

        let log = LogRecorder()
        let spool = try Spool(configuration: configuration(directory), sinks: ["es"], logger: log.logger)
        let reader = try spool.reader(for: "es")
        let read = try await readAll(reader, batch: 3)

        XCTAssertEqual(read.map(\.payload), [payloads[0]] + Array(payloads[perSegment...]),
                       "the record before the damage is delivered, the rest of that segment is skipped, nothing after it")
        XCTAssertEqual(reader.skips.quarantinedSegments, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: corrupt))
        let quarantined = directory + "/quarantine/" + (corrupt as NSString).lastPathComponent
        XCTAssertTrue(FileManager.default.fileExists(atPath: quarantined))
        let line = try XCTUnwrap(log.all.first { $0.message.contains("quarantine") })
        XCTAssertEqual(line.level, .error)
        XCTAssertEqual(line.metadata["spool.segment"], corrupt)
        XCTAssertEqual(line.metadata["spool.offset"], "708")
        try await reader.commit(through: read.last!.nextOffset)
        spool.close()

        // The gap the quarantined file accounts for does not stop the next start.
        let reopened = try Spool(configuration: configuration(directory), sinks: ["es"], logger: quietLogger)
        defer { reopened.close() }
        let report = try SpoolInspector.inspect(directory: directory)
        XCTAssertEqual(report.quarantined.map(\.path), [quarantined])
    }
}

extension SpoolQuarantineTests {
    /// Alerting and the live tail read into a `SpoolBatch`: the same records before the damage, the
    /// same quarantine, the same records after it.
    func testABatchReaderQuarantinesACorruptSealedSegmentTheSameWay() async throws {
        let directory = try makeTemporaryDirectory(self)
        let payloads = try await writeSpool(directory)
        let corrupt = try corruptFirstSegment(directory)
        let perSegment = 4080 / 708
        let spool = try Spool(configuration: configuration(directory), sinks: ["es"], logger: quietLogger)
        defer { spool.close() }
        let reader = try spool.reader(for: "es")
        let read = try await readAllBatched(reader, batch: 3)
        XCTAssertEqual(read.map(\.payload), [payloads[0]] + Array(payloads[perSegment...]))
        XCTAssertEqual(reader.skips.quarantinedSegments, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: corrupt))
    }

    /// Damage in the segment still being written: reading fails until the next append seals it, then
    /// the damaged segment is quarantined and the reader goes on with the new one.
    func testACorruptActiveSegmentIsSealedAtTheNextAppendAndThenQuarantined() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: SpoolConfiguration(directory: directory, segmentBytes: 65536, maxBytes: 1 << 22),
                              sinks: ["es"], logger: quietLogger)
        defer { spool.close() }
        let first = (0..<3).map { payload(call: 0, index: $0, size: 700) }
        _ = try await spool.append(first)
        let damaged = try corruptFirstSegment(directory)
        let reader = try spool.reader(for: "es")

        let before = try await reader.read(maxRecords: 10, maxBytes: 1 << 20, wait: .zero)
        XCTAssertEqual(before.map(\.payload), [first[0]], "the record before the damage is delivered")
        do {
            _ = try await reader.read(maxRecords: 10, maxBytes: 1 << 20, wait: .zero)
            XCTFail("the damage in the active segment must be reported")
        } catch {
            guard case .corruptSegment = error else { return XCTFail("\(error)") }
        }

        let later = [payload(call: 1, index: 0, size: 300)]
        _ = try await spool.append(later)
        // The first read quarantines and moves to the end of the damaged segment; the next one reads on.
        let quarantining = try await reader.read(maxRecords: 10, maxBytes: 1 << 20, wait: .zero)
        XCTAssertEqual(quarantining.map(\.payload), [])
        let after = try await reader.read(maxRecords: 10, maxBytes: 1 << 20, wait: .zero)
        XCTAssertEqual(after.map(\.payload), later, "reading goes on in the new segment")
        XCTAssertEqual(reader.skips.quarantinedSegments, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: damaged))
        XCTAssertEqual(try segmentFiles(directory).count, 1)
    }
}
