import Foundation
import Spool
import XCTest

final class SpoolCursorFileTests: XCTestCase {
    /// After the first commit the cursor file is overwritten in place (same inode, 21 bytes): a commit
    /// needs no new disk space, so a full spool volume can still be drained and its segments deleted.
    func testCommitsOverwriteTheCursorFileInPlace() async throws {
        let directory = try makeTemporaryDirectory(self)
        let spool = try Spool(configuration: .init(directory: directory, segmentBytes: 4096, maxBytes: 1 << 22), sinks: ["es"],
                              logger: quietLogger)
        defer { spool.close() }
        let reader = try spool.reader(for: "es")
        let path = directory + "/cursors/es.cursor"
        var inodes = Set<UInt64>()
        for call in 0..<3 {
            _ = try await spool.append((0..<5).map { payload(call: call, index: $0, size: 300) })
            let records = try await reader.read(maxRecords: 100, maxBytes: 1 << 20, wait: .zero)
            let end = try XCTUnwrap(records.last).nextOffset
            try await reader.commit(through: end)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            inodes.insert((attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            XCTAssertEqual(text.utf8.count, 21, "fixed width: '\(text)'")
            XCTAssertEqual(UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)), end)
        }
        XCTAssertEqual(inodes.count, 1, "later commits overwrite the first file rather than replacing it")
    }
}
