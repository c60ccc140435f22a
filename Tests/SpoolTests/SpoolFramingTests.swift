import Foundation
import Spool
import XCTest

final class SpoolFramingTests: XCTestCase {
    func testPayloadsOfEverySizeComeBackByteForByte() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory, maxRecordBytes: 300_000), sinks: ["es"], logger: quietLogger)
        defer { spool.close() }
        let sizes = [0, 1, 7, 8, 9, 450, 4096, 65_537, 262_144, 300_000]
        let payloads = sizes.map { size in (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ size) } }
        let range = try await spool.append(payloads)
        XCTAssertEqual(range, 0..<UInt64(sizes.reduce(0) { $0 + $1 + 8 }))

        let records = try await readAll(spool.reader(for: "es"))
        XCTAssertEqual(records.map(\.payload), payloads)
        XCTAssertEqual(records.first?.offset, range.lowerBound)
        XCTAssertEqual(records.last?.nextOffset, range.upperBound)
        for (record, next) in zip(records, records.dropFirst()) {
            XCTAssertEqual(record.nextOffset, next.offset)
            XCTAssertEqual(record.nextOffset - record.offset, UInt64(record.payload.count + 8))
        }
    }

    func testSegmentFileHasDocumentedHeaderAndRecordLayout() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory), sinks: [], logger: quietLogger)
        _ = try await spool.append([Array("hello".utf8), []])
        spool.close()

        XCTAssertEqual(try segmentFiles(directory), ["00000000000000000000.seg"])
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/segments/00000000000000000000.seg")))
        XCTAssertEqual(Array(bytes[0..<4]), Array("DMSP".utf8))
        XCTAssertEqual(Array(bytes[4..<8]), [1, 0, 0, 0], "version 1, little-endian")
        XCTAssertEqual(Array(bytes[8..<16]), [UInt8](repeating: 0, count: 8), "base offset 0")
        XCTAssertEqual(Array(bytes[16..<20]), [5, 0, 0, 0], "payload length, little-endian")
        let crc = CRC32C.checksum([5, 0, 0, 0] + Array("hello".utf8))
        XCTAssertEqual(Array(bytes[20..<24]), withUnsafeBytes(of: crc.littleEndian) { Array($0) }, "CRC-32C of length and payload")
        XCTAssertEqual(Array(bytes[24..<29]), Array("hello".utf8))
        let emptyCRC = CRC32C.checksum([UInt8](repeating: 0, count: 4))
        XCTAssertEqual(Array(bytes[29..<37]), [0, 0, 0, 0] + withUnsafeBytes(of: emptyCRC.littleEndian) { Array($0) })
        XCTAssertEqual(bytes.count, 37)
    }

    func testOversizedPayloadIsRefusedAndNothingOfTheCallIsWritten() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory, maxRecordBytes: 1000), sinks: ["es"], logger: quietLogger)
        defer { spool.close() }
        do {
            _ = try await spool.append([[1, 2, 3], [UInt8](repeating: 9, count: 1001)])
            XCTFail("expected recordTooLarge")
        } catch {
            XCTAssertEqual(error, .recordTooLarge(bytes: 1001, limit: 1000))
        }
        XCTAssertEqual(spool.stats().committedEndOffset, 0)
        let records = try await spool.reader(for: "es").read(maxRecords: 10, maxBytes: 1 << 20, wait: .zero)
        XCTAssertEqual(records, [])
    }
}
