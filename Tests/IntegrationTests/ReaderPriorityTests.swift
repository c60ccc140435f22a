import ClientHTTP
import Foundation
import HubKit
import Spool
import TestSupport
import Synchronization
import XCTest

/// The best-effort spool readers (alerting's evaluator, the live tail) run on threads of their own
/// at `spool.readers_nice`, so that when the CPU is short the intake gets it first (issue 13).
final class ReaderPriorityTests: HubTestCase {
    func testJobsRunOnAThreadOfTheGivenNiceValueAndAfterStopOnTheSharedPool() async throws {
        let executor = LowPriorityExecutor(name: "test-readers", niceness: 7)
        let inside = await withTaskExecutorPreference(executor) { ThreadPriority.current }
        XCTAssertEqual(inside, 7)
        // Child tasks inherit the preference: a reader's read timeouts and the like run there too.
        let children = await withTaskExecutorPreference(executor) {
            await withTaskGroup(of: Int32.self) { group in
                for _ in 0..<4 { group.addTask { ThreadPriority.current } }
                var seen: [Int32] = []
                for await value in group { seen.append(value) }
                return seen
            }
        }
        XCTAssertEqual(children, [7, 7, 7, 7])

        executor.stop()
        // Work handed to it after `stop()` still runs, on the shared pool; nothing hangs.
        let after = await withTaskExecutorPreference(executor) { ThreadPriority.current }
        XCTAssertLessThan(after, 7)
    }

    /// A thread created from a lowered one inherits its nice value (the shared pool creates workers
    /// from whichever thread hands it work); the intake puts its thread back before decoding.
    func testAThreadCreatedFromALoweredOneInheritsItUntilRestored() throws {
        let result = Mutex<(inherited: Int32, restored: Int32)?>(nil)
        let done = DispatchSemaphore(value: 0)
        let parent = Thread {
            ThreadPriority.set(9)
            let child = Thread {
                let inherited = ThreadPriority.current
                ThreadPriority.restoreNormal()
                result.withLock { $0 = (inherited, ThreadPriority.current) }
                done.signal()
            }
            child.start()
        }
        parent.start()
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        let seen = try XCTUnwrap(result.withLock { $0 })
        XCTAssertEqual(seen.inherited, 9)
        XCTAssertEqual(seen.restored, 0)
    }

    /// `spool.readers_idle`: the thread runs under SCHED_IDLE (shown as nice 19), and a thread
    /// created from it inherits both until the intake restores it.
    func testAnIdleReaderThreadRunsUnderSchedIdleAndItsChildrenAreRestored() async throws {
        let executor = LowPriorityExecutor(name: "test-idle", niceness: ReaderPriority(niceness: 10, idle: true).threadNiceness, idle: true)
        defer { executor.stop() }
        let inside = await withTaskExecutorPreference(executor) { (ThreadPriority.current, ThreadPriority.isIdle) }
        XCTAssertEqual(inside.0, 19)
        XCTAssertTrue(inside.1, "the reader's thread is under SCHED_IDLE")

        let result = Mutex<(inherited: Bool, restored: Bool, nice: Int32)?>(nil)
        let done = DispatchSemaphore(value: 0)
        // Created from the reader's thread, as the shared pool may create a worker.
        await withTaskExecutorPreference(executor) {
            let child = Thread {
                let inherited = ThreadPriority.isIdle
                ThreadPriority.restoreNormal()
                result.withLock { $0 = (inherited, ThreadPriority.isIdle, ThreadPriority.current) }
                done.signal()
            }
            child.start()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        let seen = try XCTUnwrap(result.withLock { $0 })
        XCTAssertTrue(seen.inherited, "a thread created from an idle one inherits SCHED_IDLE")
        XCTAssertFalse(seen.restored, "restoreNormal() takes it back to SCHED_OTHER")
        XCTAssertEqual(seen.nice, 0)
        XCTAssertFalse(ThreadPriority.isIdle, "the test's own thread is untouched")
    }

    /// In the running hub: the live tail's reader thread has the configured nice value, no other
    /// thread runs below normal priority (the shared pool raises some of its own by QoS: negative
    /// values), and `spool.readers_nice` 0 runs the reader on the shared pool.
    func testTheHubsLiveTailReaderRunsLoweredAndTheIntakeDoesNot() async throws {
        let (hub, threads) = try await hubThreadsAfterARequest(["ADMIN_SPOOL_READERS_NICE": "6"])
        let tail = threads.filter { $0.name == "search-live-tai" }
        XCTAssertEqual(tail.map(\.nice), [6], "one live-tail reader thread at nice 6: \(threads)")
        let others = threads.filter { $0.name != "search-live-tai" && $0.nice > 0 }
        XCTAssertEqual(others.map(\.name), [], "no other thread lowered: \(threads)")
        hub.stop()

        let shared = try await startHub(mongo: false, elasticsearch: false, extra: ["ADMIN_SPOOL_READERS_NICE": "0"])
        let sharedThreads = try Self.threads(of: XCTUnwrap(shared.pid))
        XCTAssertFalse(sharedThreads.contains { $0.name == "search-live-tai" }, "no thread of its own at 0: \(sharedThreads)")
        XCTAssertFalse(sharedThreads.contains { $0.nice > 0 }, "\(sharedThreads)")

        // Out of range: `check-config` names the setting and its variable.
        XCTAssertThrowsError(try runAdmin(["check-config"], environment: [
            "ADMIN_DATABASE_URL": databaseURL, "ADMIN_SPOOL_READERS_NICE": "20",
        ])) { error in
            XCTAssertTrue("\(error)".contains("ADMIN_SPOOL_READERS_NICE"), "\(error)")
        }
    }

    /// `spool.readers_idle: true` in the running hub: the live tail's reader thread is under SCHED_IDLE
    /// (policy 5) at nice 19, every other thread under SCHED_OTHER (0) after a request; with
    /// `spool.readers_nice` 0 `check-config` refuses it and says which settings disagree.
    func testTheHubsIdleReaderRunsUnderSchedIdleAndTheIntakeDoesNot() async throws {
        let (hub, threads) = try await hubThreadsAfterARequest(["ADMIN_SPOOL_READERS_IDLE": "true"])
        let tail = threads.filter { $0.name == "search-live-tai" }
        XCTAssertEqual(tail.map(\.policy), [Self.schedIdle], "the live tail's reader under SCHED_IDLE: \(threads)")
        XCTAssertEqual(tail.map(\.nice), [19], "\(threads)")
        let others = threads.filter { $0.name != "search-live-tai" && ($0.policy != 0 || $0.nice > 0) }
        XCTAssertEqual(others.map(\.name), [], "no other thread idle or lowered: \(threads)")
        hub.stop()

        XCTAssertThrowsError(try runAdmin(["check-config"], environment: [
            "ADMIN_DATABASE_URL": databaseURL, "ADMIN_SPOOL_READERS_IDLE": "true", "ADMIN_SPOOL_READERS_NICE": "0",
        ])) { error in
            XCTAssertTrue("\(error)".contains("ADMIN_SPOOL_READERS_IDLE"), "\(error)")
            XCTAssertTrue("\(error)".contains("readers_nice"), "\(error)")
        }
    }

    /// A hub started with `environment`, and its threads once it has decoded a request (the shared
    /// pool's workers exist by then, and any that inherited a reader's priority would show).
    private func hubThreadsAfterARequest(_ environment: [String: String]) async throws
        -> (hub: HubProcess, threads: [(name: String, nice: Int32, policy: Int32)]) {
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: environment)
        let token = try createToken()
        let body = Array((0..<200).map { #"{"message":"priority \#($0)","level":"error"}"# }.joined(separator: "\n").utf8)
        let answer = try await post(hub, body: body, token: token)
        XCTAssertEqual(answer.status, 202)
        return (hub, try Self.threads(of: XCTUnwrap(hub.pid)))
    }

    /// SCHED_IDLE in `/proc/<pid>/task/<tid>/stat`'s policy field.
    private static let schedIdle: Int32 = 5

    /// Each thread of process `pid`: its name (`comm`), nice value (`stat` field 19) and scheduling
    /// policy (field 41).
    private static func threads(of pid: Int32) throws -> [(name: String, nice: Int32, policy: Int32)] {
        let directory = "/proc/\(pid)/task"
        return try FileManager.default.contentsOfDirectory(atPath: directory).sorted().compactMap { tid in
            guard let stat = try? String(contentsOfFile: "\(directory)/\(tid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"), let open = stat.firstIndex(of: "(")
            else { return nil }
            let name = String(stat[stat.index(after: open)..<close])
            // After "(comm) ": state is field 3, nice field 19, policy field 41.
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 38, let nice = Int32(fields[16]), let policy = Int32(fields[38]) else { return nil }
            return (name, nice, policy)
        }
    }
}
