import Foundation
import Spool
import XCTest
import Logging

final class SpoolRecoveryTests: XCTestCase {
    private let configuration = { (directory: String) in SpoolConfiguration(directory: directory, segmentBytes: 4096, maxBytes: 1 << 22) }

    /// A closed spool over several segments whose last record is 100 bytes of payload.
    private struct Written {
        var directory: String
        var payloads: [[UInt8]]
        var last: Range<UInt64>
        var lastSegment: String
        var lastSegmentBase: UInt64
        /// File offset of the last record inside the last segment.
        var lastRecordFileOffset: Int
        var files: [String: Data]
    }

    private func writeSpool() async throws -> Written {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: configuration(directory), sinks: ["es"], logger: quietLogger)
        var payloads = [[UInt8]]()
        for call in 0..<15 {
            let batch = [payload(call: call, index: 0, size: 700)]
            payloads += batch
            _ = try await spool.append(batch)
        }
        let lastPayload = payload(call: 99, index: 0, size: 100)
        payloads.append(lastPayload)
        let last = try await spool.append([lastPayload])
        spool.close()
        let names = try segmentFiles(directory)
        XCTAssertGreaterThan(names.count, 2)
        let lastName = names.last!
        let base = UInt64(lastName.dropLast(4))!
        var files = [String: Data]()
        for name in names { files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/segments/" + name)) }
        let offset = 16 + Int(last.lowerBound - base)
        XCTAssertEqual(files[lastName]!.count, offset + 8 + 100)
        return Written(directory: directory, payloads: payloads, last: last, lastSegment: lastName, lastSegmentBase: base,
                       lastRecordFileOffset: offset, files: files)
    }

    /// A new spool directory holding `written`'s segments, with the last one replaced by `lastSegment`.
    private func copy(_ written: Written, lastSegment: Data) throws -> String {
        let directory = try makeTemporaryDirectory(self)
        try FileManager.default.createDirectory(atPath: directory + "/segments", withIntermediateDirectories: true)
        for (name, data) in written.files {
            try (name == written.lastSegment ? lastSegment : data).write(to: URL(fileURLWithPath: directory + "/segments/" + name))
        }
        return directory
    }

    func testTornTailIsDroppedOnRecoveryAtEveryByteOfTheLastRecord() async throws {
        let written = try await writeSpool()
        let full = written.files[written.lastSegment]!
        for cut in written.lastRecordFileOffset..<full.count {
            let directory = try copy(written, lastSegment: full.prefix(cut))
            let log = LogRecorder()
            let spool = try Spool(configuration: configuration(directory), sinks: ["es"], logger: log.logger)
            let reader = try spool.reader(for: "es")
            let records = try await readAll(reader)
            XCTAssertEqual(records.map(\.payload), Array(written.payloads.dropLast()), "cut at \(cut): earlier records intact")
            XCTAssertEqual(spool.stats().committedEndOffset, written.last.lowerBound, "cut at \(cut)")
            let size = try FileManager.default.attributesOfItem(atPath: directory + "/segments/" + written.lastSegment)[.size] as! NSNumber
            XCTAssertEqual(size.intValue, written.lastRecordFileOffset, "cut at \(cut): the torn bytes are gone from disk")
            if cut > written.lastRecordFileOffset {
                let drop = log.all.first { $0.message.contains("torn tail") }
                XCTAssertEqual(drop?.level, .warning, "cut at \(cut)")
                XCTAssertEqual(drop?.metadata["spool.dropped_bytes"], "\(cut - written.lastRecordFileOffset)", "cut at \(cut)")
                XCTAssertEqual(drop?.metadata["spool.offset"], "\(written.last.lowerBound)", "cut at \(cut)")
            }

            let again = try await spool.append([Array("after recovery".utf8)])
            XCTAssertEqual(again.lowerBound, written.last.lowerBound, "cut at \(cut)")
            let next = try await reader.read(maxRecords: 10, maxBytes: 1 << 20, wait: .zero)
            XCTAssertEqual(next.map(\.payload), [Array("after recovery".utf8)], "cut at \(cut)")
            spool.close()
            try FileManager.default.removeItem(atPath: directory)
        }
    }

    func testRecordWithCorruptChecksumInTheTailIsDropped() async throws {
        let written = try await writeSpool()
        for position in [written.lastRecordFileOffset + 4, written.lastRecordFileOffset + 8 + 50] {  // the CRC field, then the payload
            var damaged = written.files[written.lastSegment]!
            damaged[position] ^= 0x40
            let directory = try copy(written, lastSegment: damaged)
            let log = LogRecorder()
            let spool = try Spool(configuration: configuration(directory), sinks: ["es"], logger: log.logger)
            defer { spool.close() }
            let kept = try await readAll(spool.reader(for: "es")).map(\.payload)
            XCTAssertEqual(kept, Array(written.payloads.dropLast()))
            XCTAssertTrue(log.all.contains { $0.metadata["spool.reason"]?.contains("checksum") == true })
            _ = try await spool.append([[42]])
        }
    }

    func testEmptyOrHeaderlessLastSegmentIsRepaired() async throws {
        let written = try await writeSpool()
        let end = written.last.upperBound
        let emptyName = String(repeating: "0", count: 20 - String(end).count) + String(end) + ".seg"
        for leftover in [Data(), Data("DMSP".utf8), Data(repeating: 0, count: 16)] {
            let directory = try copy(written, lastSegment: written.files[written.lastSegment]!)
            try leftover.write(to: URL(fileURLWithPath: directory + "/segments/" + emptyName))
            let spool = try Spool(configuration: configuration(directory), sinks: ["es"], logger: quietLogger)
            let reader = try spool.reader(for: "es")
            let before = try await readAll(reader).map(\.payload)
            XCTAssertEqual(before, written.payloads)
            XCTAssertEqual(spool.stats().committedEndOffset, end)
            let range = try await spool.append([[7, 7, 7]])
            XCTAssertEqual(range.lowerBound, end)
            let appended = try await readAll(reader).map(\.payload)
            XCTAssertEqual(appended, [[7, 7, 7]])
            spool.close()

            let reopened = try Spool(configuration: configuration(directory), sinks: ["es"], logger: quietLogger)
            let afterReopen = try await readAll(reopened.reader(for: "es")).map(\.payload)
            XCTAssertEqual(afterReopen, written.payloads + [[7, 7, 7]])
            reopened.close()
        }
    }

    func testCursorBeyondTheEndIsClampedAndAnUnreadableOneStartsAtTheOldest() async throws {
        let written = try await writeSpool()
        let directory = try copy(written, lastSegment: written.files[written.lastSegment]!)
        try FileManager.default.createDirectory(atPath: directory + "/cursors", withIntermediateDirectories: true)
        try Data("99999999\n".utf8).write(to: URL(fileURLWithPath: directory + "/cursors/es.cursor"))
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: directory + "/cursors/mongo.cursor"))
        let spool = try Spool(configuration: configuration(directory), sinks: ["es", "mongo"], logger: quietLogger)
        defer { spool.close() }
        XCTAssertEqual(try spool.reader(for: "es").committedOffset, written.last.upperBound)
        XCTAssertEqual(try spool.reader(for: "mongo").committedOffset, 0)
        let mongoCount = try await readAll(spool.reader(for: "mongo")).count
        XCTAssertEqual(mongoCount, written.payloads.count)
    }

    func testMissingMiddleSegmentRefusesToOpen() async throws {
        let written = try await writeSpool()
        let directory = try copy(written, lastSegment: written.files[written.lastSegment]!)
        let middle = try segmentFiles(directory)[1]
        try FileManager.default.removeItem(atPath: directory + "/segments/" + middle)
        XCTAssertThrowsError(try Spool(configuration: configuration(directory), sinks: ["es"], logger: quietLogger)) { error in
            guard case .corruptSegment = error as? SpoolError else { return XCTFail("\(error)") }
        }
    }

    func testASealedSegmentWithABadHeaderIsQuarantinedAndTheSpoolStillOpens() async throws {
        let written = try await writeSpool()
        let directory = try copy(written, lastSegment: written.files[written.lastSegment]!)
        let names = try segmentFiles(directory)
        var first = written.files[names[0]]!
        first[0] = UInt8(ascii: "X")  // bad magic
        try first.write(to: URL(fileURLWithPath: directory + "/segments/" + names[0]))
        let log = LogRecorder()

        let spool = try Spool(configuration: configuration(directory), sinks: ["es"], logger: log.logger)
        defer { spool.close() }

        XCTAssertEqual(try segmentFiles(directory), Array(names.dropFirst()))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/quarantine/" + names[0]))
        let line = try XCTUnwrap(log.all.first { $0.message.contains("quarantine") })
        XCTAssertEqual(line.level, .error)
        let records = try await readAll(try spool.reader(for: "es"))
        XCTAssertEqual(records.first?.offset, UInt64(names[1].dropLast(4)), "reading starts after the gap")
        XCTAssertEqual(records.last?.payload, written.payloads.last)
    }
}
