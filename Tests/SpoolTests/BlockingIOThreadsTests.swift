#if canImport(Glibc)
import Glibc
#endif
@testable import Spool
import XCTest

/// The spool's blocking reader work runs on its IO threads, or inline on a thread of its own.
final class BlockingIOThreadsTests: XCTestCase {
    func testWorkRunsOnTheSpoolsThreadsUnlessTheCallerIsADedicatedThread() async throws {
        let io = BlockingIOThreads(count: 1, name: "test-io")
        defer { io.shutdown() }

        let caller = UInt(bitPattern: Int(pthread_self()))
        let elsewhere = try await io.run { () throws(SpoolError) in UInt(bitPattern: Int(pthread_self())) }
        XCTAssertNotEqual(elsewhere, caller, "an unmarked caller hands the work to the spool's thread")

        // Marked and checked with no suspension in between, so the caller is still this thread.
        DedicatedThread.markCurrent()
        let marked = UInt(bitPattern: Int(pthread_self()))
        let inline = try? await io.run { () throws(SpoolError) in UInt(bitPattern: Int(pthread_self())) }
        DedicatedThread.unmarkCurrent()  // a pool thread must not stay marked
        XCTAssertEqual(inline, marked, "a dedicated thread does the work itself")
        XCTAssertFalse(DedicatedThread.isCurrent)

        // The spool's own threads carry their names in /proc (set from the thread itself).
        let names = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").compactMap {
            try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        XCTAssertTrue(names.contains("test-io-0"), "\(names)")
    }
}
