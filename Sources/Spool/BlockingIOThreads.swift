import Dispatch
import Foundation
import Synchronization

/// A few threads of the spool's own for the blocking file work of readers (pread, cursor fsyncs,
/// segment deletion), so it never occupies Swift's cooperative pool: on a 2-core machine two sinks
/// fsyncing at once would otherwise hold every thread the async code has. A caller on a thread of
/// its own (``DedicatedThread``: a best-effort reader's, at a lower priority) does the work itself.
final class BlockingIOThreads: Sendable {
    private struct Queue {
        var jobs: [@Sendable () -> Void] = []
        var closed = false
    }

    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)
    private let running = DispatchGroup()
    private let count: Int

    init(count: Int, name: String) {
        self.count = max(1, count)
        for index in 0..<self.count {
            running.enter()
            // Named from the thread itself (`ThreadName`), as `/proc/…/comm` and `top -H` show it.
            let threadName = "\(name)-\(index)"
            let thread = Thread { [self] in
                ThreadName.set(threadName)
                while let job = next() { job() }
                running.leave()
            }
            thread.start()
        }
    }

    /// Runs `body` on one of the threads and returns its result. After `shutdown()` it runs inline.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws(SpoolError) -> T) async throws(SpoolError) -> T {
        if DedicatedThread.isCurrent { return try body() }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, SpoolError>, Never>) in
            let job: @Sendable () -> Void = { continuation.resume(returning: Result { () throws(SpoolError) in try body() }) }
            let queued = queue.withLock { q -> Bool in
                if q.closed { return false }
                q.jobs.append(job)
                return true
            }
            if queued { available.signal() } else { job() }
        }
        return try result.get()
    }

    /// Lets the threads finish what is queued, then stops them.
    func shutdown() {
        let first = queue.withLock { q -> Bool in
            defer { q.closed = true }
            return !q.closed
        }
        guard first else { return }
        for _ in 0..<count { available.signal() }
        running.wait()
    }

    private func next() -> (@Sendable () -> Void)? {
        while true {
            available.wait()
            let (job, closed) = queue.withLock { q in (q.jobs.isEmpty ? nil : q.jobs.removeFirst(), q.closed) }
            if let job { return job }
            if closed { return nil }
        }
    }
}
