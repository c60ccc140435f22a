import Foundation
import Spool

/// A thread of its own, at a lower scheduling priority (a higher nice value), for an area's
/// best-effort spool reader: alerting's evaluator and the live tail. On the shared pool they took
/// the CPU the intake needed when both cores were busy, and the intake slowed to ~0.7× with them
/// on. Here the kernel hands the intake's threads the CPU first; the reader gets what is left and
/// all of it when the machine is not saturated. A reader that falls behind its lag bound skips
/// segments, counted in `admin_spool_dropped_bytes_total`, as it did before. The spool's blocking
/// reads for the reader run here too (``DedicatedThread``), not on the spool's IO threads. Threads
/// created from this one inherit its nice value: see ``ThreadPriority/restoreNormal()``.
///
/// Jobs run one at a time in arrival order. Used as a task executor preference
/// (`withTaskExecutorPreference`): the reader's own code and its child tasks run here; code
/// isolated to an actor still runs on the actor's executor.
public final class LowPriorityExecutor: TaskExecutor, @unchecked Sendable {
    // `jobs` and `stopped` are guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false
    /// The nice value of the thread (lowering a thread's priority needs no privilege).
    public let niceness: Int32
    /// Whether the thread runs under SCHED_IDLE (``ReaderPriority/idle``).
    public let idle: Bool

    /// Starts the thread; `niceness` 1…19 (higher runs less when the CPU is short); `idle`: under
    /// SCHED_IDLE, where it runs only on a core no other thread wants (the nice value is then ignored).
    public init(name: String, niceness: Int32, idle: Bool = false) {
        self.niceness = niceness
        self.idle = idle
        // Named from the thread itself (``ThreadName``); jobs queued before the thread runs wait
        // for it, and it lowers itself before it takes any.
        let thread = Thread { [self] in
            ThreadName.set(name)
            ThreadPriority.set(niceness)
            if idle { ThreadPriority.setIdle() }
            // The reader's spool reads (pread, cursor fsyncs) then run here, at this priority.
            DedicatedThread.markCurrent()
            runJobs()
        }
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        if stopped {
            condition.unlock()
            // A job after `stop()` (none is expected): it still runs, on the shared pool.
            globalConcurrentExecutor.enqueue(job)
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once the jobs already queued have run.
    public func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func runJobs() {
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty, !stopped { condition.wait() }
            if jobs.isEmpty, stopped {
                condition.unlock()
                return
            }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
