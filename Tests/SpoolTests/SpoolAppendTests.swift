import Foundation
import Spool
import XCTest

final class SpoolAppendTests: XCTestCase {
    func testConcurrentAppendsShareFsyncs() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory), sinks: [], logger: quietLogger)
        defer { spool.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for call in 0..<200 {
                group.addTask { _ = try await spool.append((0..<10).map { payload(call: call, index: $0, size: 40) }) }
            }
            try await group.waitForAll()
        }
        let stats = spool.stats()
        XCTAssertEqual(stats.appendCalls, 200)
        XCTAssertEqual(stats.appendedRecords, 2000)
        XCTAssertLessThan(stats.syncCount, 50, "200 concurrent appends should be grouped into far fewer fsyncs")
        XCTAssertGreaterThan(stats.syncCount, 0)
    }

    func testOffsetsAreContiguousAndEachCallStaysTogetherInOrder() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory, segmentBytes: 16_384, maxBytes: 1 << 24), sinks: ["es"],
                              logger: quietLogger)
        defer { spool.close() }
        let calls = 40
        let perCall = 7
        let ranges = try await withThrowingTaskGroup(of: (Int, Range<UInt64>).self) { group in
            for call in 0..<calls {
                group.addTask { (call, try await spool.append((0..<perCall).map { payload(call: call, index: $0, size: 100 + call) })) }
            }
            var out = [Int: Range<UInt64>]()
            for try await (call, range) in group { out[call] = range }
            return out
        }
        let sorted = ranges.values.sorted { $0.lowerBound < $1.lowerBound }
        XCTAssertEqual(sorted.first?.lowerBound, 0)
        for (a, b) in zip(sorted, sorted.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound, "no gap, no overlap") }
        XCTAssertEqual(spool.stats().committedEndOffset, sorted.last?.upperBound)

        let records = try await readAll(spool.reader(for: "es"))
        XCTAssertEqual(records.count, calls * perCall)
        for (call, range) in ranges {
            let mine = records.filter { range.contains($0.offset) }
            XCTAssertEqual(mine.map(\.payload), (0..<perCall).map { payload(call: call, index: $0, size: 100 + call) })
            XCTAssertEqual(mine.first?.offset, range.lowerBound)
            XCTAssertEqual(mine.last?.nextOffset, range.upperBound)
        }
    }

    func testSegmentsRollOverAndAreNamedByTheirFirstOffset() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory, segmentBytes: 4096, maxBytes: 1 << 20), sinks: [],
                              logger: quietLogger)
        var bases = [UInt64]()
        for call in 0..<20 {
            let range = try await spool.append((0..<3).map { payload(call: call, index: $0, size: 300) })
            bases.append(range.lowerBound)
        }
        let stats = spool.stats()
        spool.close()
        let files = try segmentFiles(directory)
        XCTAssertGreaterThan(files.count, 4)
        XCTAssertEqual(stats.segmentCount, files.count)
        for name in files {
            let base = UInt64(name.dropLast(4))!
            XCTAssertTrue(bases.contains(base), "\(name) starts at an append's first offset")
            XCTAssertEqual(name.count, 24)
            let size = try FileManager.default.attributesOfItem(atPath: directory + "/segments/" + name)[.size] as! NSNumber
            XCTAssertLessThanOrEqual(size.intValue, 4096)
        }
    }

    func testFullSpoolRefusesWholeAppendUntilSinksCatchUp() async throws {
        let directory = try makeTemporaryDirectory(self)
        let configuration = SpoolConfiguration(directory: directory, segmentBytes: 4096, maxBytes: 8192, retryAfterSeconds: 7)
        let spool = try Spool(configuration: configuration, sinks: ["es"], logger: quietLogger)
        defer { spool.close() }
        var accepted = 0
        var refusal: SpoolError?
        for call in 0..<100 {
            do {
                _ = try await spool.append((0..<2).map { payload(call: call, index: $0, size: 500) })
                accepted += 1
            } catch {
                refusal = error
                break
            }
        }
        guard case let .full(used, limit, retryAfter) = refusal else { return XCTFail("expected .full, got \(String(describing: refusal))") }
        XCTAssertEqual(limit, 8192)
        XCTAssertEqual(retryAfter, 7)
        XCTAssertLessThanOrEqual(used, 8192)
        XCTAssertGreaterThan(accepted, 3)

        let before = try bytesOnDisk(directory)
        let endBefore = spool.stats().committedEndOffset
        await XCTAssertThrowsFull { _ = try await spool.append([payload(call: 999, index: 0, size: 500)]) }
        XCTAssertEqual(try bytesOnDisk(directory), before, "a refused append writes nothing")
        XCTAssertEqual(spool.stats().committedEndOffset, endBefore)
        XCTAssertLessThanOrEqual(before, 8192)

        let reader = try spool.reader(for: "es")
        let records = try await readAll(reader)
        XCTAssertEqual(records.count, accepted * 2, "nothing retained was dropped to make room")
        try await reader.commit(through: records.last!.nextOffset)
        XCTAssertEqual(spool.stats().segmentCount, 1, "consumed segments are deleted")
        _ = try await spool.append([payload(call: 1000, index: 0, size: 500)])
    }

    func testAppendAfterCloseThrowsClosed() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory), sinks: [], logger: quietLogger)
        _ = try await spool.append([[1]])
        spool.close()
        spool.close()
        do {
            _ = try await spool.append([[2]])
            XCTFail("expected .closed")
        } catch {
            XCTAssertEqual(error, .closed)
        }
        XCTAssertFalse(spool.stats().acceptsAppends)
    }

    func testCloseFinishesQueuedAppends() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory), sinks: ["es"], logger: quietLogger)
        let appends = (0..<50).map { call in
            Task { try await spool.append([payload(call: call, index: 0)]) }
        }
        try await Task.sleep(for: .milliseconds(5))
        spool.close()
        var succeeded = 0
        for task in appends {
            do {
                _ = try await task.value
                succeeded += 1
            } catch let error as SpoolError {
                XCTAssertEqual(error, .closed, "an append either lands or is refused as closed")
            }
        }
        let reopened = try Spool(configuration: .init(directory: directory), sinks: ["es"], logger: quietLogger)
        defer { reopened.close() }
        let onDisk = try await readAll(reopened.reader(for: "es")).count
        XCTAssertEqual(onDisk, succeeded, "every append that returned is on disk")
    }

    func testSecondOpenOfTheSameDirectoryIsRefused() throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory), sinks: [], logger: quietLogger)
        XCTAssertThrowsError(try Spool(configuration: .init(directory: directory), sinks: [], logger: quietLogger)) { error in
            XCTAssertEqual(error as? SpoolError, .locked(path: directory + "/lock"))
        }
        spool.close()
        XCTAssertNoThrow(try Spool(configuration: .init(directory: directory), sinks: [], logger: quietLogger).close())
    }

    func testBadConfigurationAndSinkNamesAreRefusedWithTheKey() throws {
        let directory = try makeTemporaryDirectory(self)
        XCTAssertThrowsError(try Spool(configuration: .init(directory: directory, segmentBytes: 1 << 20, maxBytes: 1 << 20), sinks: [],
                                       logger: quietLogger)) { error in
            XCTAssertEqual(error as? SpoolError, .invalidConfiguration(.maxBytesBelowTwoSegments(maxBytes: 1 << 20, segmentBytes: 1 << 20)))
        }
        XCTAssertThrowsError(try Spool(configuration: .init(directory: directory), sinks: ["../etc"], logger: quietLogger)) { error in
            XCTAssertEqual(error as? SpoolError, .invalidSinkName("../etc"))
        }
        let spool = try Spool(configuration: .init(directory: directory), sinks: ["es"], logger: quietLogger)
        defer { spool.close() }
        XCTAssertThrowsError(try spool.reader(for: "mongo")) { XCTAssertEqual($0 as? SpoolError, .unknownSink("mongo")) }
    }
}

func XCTAssertThrowsFull(_ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line) async {
    do {
        try await body()
        XCTFail("expected .full", file: file, line: line)
    } catch let error as SpoolError {
        guard case .full = error else { return XCTFail("expected .full, got \(error)", file: file, line: line) }
    } catch {
        XCTFail("unexpected \(error)", file: file, line: line)
    }
}
