import Foundation
import Spool
import XCTest

/// Records framed as they are written (the intake's path) are the same bytes as payloads framed
/// whole, and a record taken back leaves no trace.
final class SpoolFramesTests: XCTestCase {
    private let sizes = [0, 1, 7, 8, 9, 450, 4096, 65_537]
    /// A record as the documented layout has it, worked out here: `u32 length | u32 CRC-32C(length ‖ payload) | payload`.
    private func framed(_ payload: [UInt8]) -> [UInt8] {
        let length = withUnsafeBytes(of: UInt32(payload.count).littleEndian) { Array($0) }
        let crc = CRC32C.checksum(length + payload)
        return length + withUnsafeBytes(of: crc.littleEndian) { Array($0) } + payload
    }

    private func bytes(_ size: Int, seed: Int = 0) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ size &+ seed) }
    }

    func testRecordsWrittenInPlaceAreFramedLikeWholePayloads() {
        let payloads = sizes.map { bytes($0) }
        var frames = SpoolFrames(reservingCapacity: 16)
        for p in payloads {
            let length = frames.appendRecord { $0.append(contentsOf: p) }
            XCTAssertEqual(length, p.count)
        }
        XCTAssertEqual(frames.bytes, payloads.flatMap(framed))
        XCTAssertEqual(SpoolFrames(payloads).bytes, frames.bytes, "whole payloads are framed the same way")
        XCTAssertEqual(frames.count, payloads.count)
        XCTAssertEqual(frames.largestPayload, 65_537)
    }

    func testTheLastRecordTakenBackLeavesTheOthersAndTheirLargest() {
        var frames = SpoolFrames()
        frames.appendRecord { $0.append(contentsOf: self.bytes(450)) }
        frames.appendRecord { $0.append(contentsOf: self.bytes(9_000)) }
        XCTAssertEqual(frames.largestPayload, 9_000)
        frames.removeLastRecord()
        XCTAssertEqual(frames.largestPayload, 450, "the largest of the records kept")
        frames.appendRecord { $0.append(contentsOf: self.bytes(7)) }
        XCTAssertEqual(frames.bytes, framed(bytes(450)) + framed(bytes(7)))
        XCTAssertEqual(frames.count, 2)
    }

    func testFramesJoinedInOrderAreOneCallsRecords() async throws {
        let first = SpoolFrames([bytes(3), bytes(450)])
        var second = SpoolFrames()
        second.appendRecord { $0.append(contentsOf: self.bytes(8, seed: 1)) }
        var joined = SpoolFrames()
        joined.append(contentsOf: first)
        joined.append(contentsOf: second)
        XCTAssertEqual(joined.count, 3)
        XCTAssertEqual(joined.largestPayload, 450)

        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory), sinks: ["es"], logger: quietLogger)
        defer { spool.close() }
        let range = try await spool.append(joined)
        XCTAssertEqual(range, 0..<UInt64(joined.bytes.count))
        let records = try await readAll(spool.reader(for: "es"))
        XCTAssertEqual(records.map(\.payload), [bytes(3), bytes(450), bytes(8, seed: 1)])
    }

    func testFramesWithARecordOverTheLimitAreRefusedWhole() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory, maxRecordBytes: 1000), sinks: ["es"], logger: quietLogger)
        defer { spool.close() }
        var frames = SpoolFrames()
        frames.appendRecord { $0.append(contentsOf: [1, 2, 3]) }
        frames.appendRecord { $0.append(contentsOf: [UInt8](repeating: 9, count: 1001)) }
        do {
            _ = try await spool.append(frames)
            XCTFail("expected recordTooLarge")
        } catch {
            XCTAssertEqual(error, .recordTooLarge(bytes: 1001, limit: 1000))
        }
        XCTAssertEqual(spool.stats().committedEndOffset, 0)
        let empty = try await spool.append(SpoolFrames())
        XCTAssertEqual(empty, 0..<0, "nothing to write: the end, unchanged")
    }
    /// Groups of many appends of several chunks each (more than one `pwritev` takes at once) come
    /// back byte for byte, each call's records together and in order.
    func testManyConcurrentAppendsOfChunkedFramesComeBackWhole() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory), sinks: ["es"], logger: quietLogger)
        defer { spool.close() }
        let calls = 300
        let ranges = try await withThrowingTaskGroup(of: (Int, Range<UInt64>).self) { group in
            for call in 0..<calls {
                group.addTask {
                    var frames = SpoolFrames()
                    for piece in 0..<3 {
                        var chunk = SpoolFrames()
                        chunk.appendRecord { $0.append(contentsOf: payload(call: call, index: piece, size: 50 + piece)) }
                        frames.append(contentsOf: chunk)
                    }
                    return (call, try await spool.append(frames))
                }
            }
            var ranges = [Int: Range<UInt64>]()
            for try await (call, range) in group { ranges[call] = range }
            return ranges
        }
        XCTAssertLessThan(spool.stats().syncCount, UInt64(calls), "grouped into fewer fsyncs than calls")
        let records = try await readAll(spool.reader(for: "es"))
        XCTAssertEqual(records.count, calls * 3)
        for call in 0..<calls {
            let range = try XCTUnwrap(ranges[call])
            let own = records.filter { range.contains($0.offset) }
            XCTAssertEqual(own.map(\.payload), (0..<3).map { payload(call: call, index: $0, size: 50 + $0) })
        }
    }
}
