import Foundation
import Spool
import XCTest

final class SpoolInspectorTests: XCTestCase {
    func testInspectShowsSegmentsCursorsAndLagAndSkipMovesACursorOnlyWhileNoHubHoldsTheSpool() async throws {
        let directory = try makeTemporaryDirectory(self)
        let configuration = SpoolConfiguration(directory: directory, segmentBytes: 4096, maxBytes: 1 << 22)
        let spool = try Spool(configuration: configuration, sinks: ["es", "mongo"], logger: quietLogger)
        for call in 0..<12 { _ = try await spool.append([payload(call: call, index: 0, size: 700)]) }
        let es = try spool.reader(for: "es")
        let first = try await es.read(maxRecords: 2, maxBytes: 1 << 20, wait: .zero)
        try await es.commit(through: first.last!.nextOffset)

        let report = try SpoolInspector.inspect(directory: directory)
        XCTAssertTrue(report.inUse)
        XCTAssertEqual(report.segments.map(\.base), [0, 3540, 7080])
        XCTAssertEqual(report.endOffset, 12 * 708)
        XCTAssertEqual(report.cursors.first { $0.sink == "es" }?.lagBytes, UInt64(10 * 708))
        do {
            try SpoolInspector.skip(directory: directory, sink: "mongo", toSegment: 3540)
            XCTFail("skip must be refused while the spool is open")
        } catch {
            XCTAssertEqual(error, .locked(path: directory + "/lock"))
        }
        spool.close()

        do {
            try SpoolInspector.skip(directory: directory, sink: "mongo", toSegment: 100)
            XCTFail("a base that is no segment must be refused")
        } catch {
            XCTAssertEqual(error, .noSuchSegment(base: 100, retained: [0, 3540, 7080]))
        }
        try SpoolInspector.skip(directory: directory, sink: "mongo", toSegment: 3540)
        let reopened = try Spool(configuration: configuration, sinks: ["es", "mongo"], logger: quietLogger)
        defer { reopened.close() }
        let mongo = try await readAll(try reopened.reader(for: "mongo"))
        XCTAssertEqual(mongo.first?.offset, 3540)
        XCTAssertEqual(mongo.first?.payload, payload(call: 5, index: 0, size: 700))
    }
}
