#if canImport(Glibc)
import Glibc
#endif

/// The calling thread's nice value. On Linux the nice value belongs to a thread, not the process,
/// and `who` 0 names the calling thread. The best-effort spool readers run on threads lowered to
/// `spool.readers_nice` (`LowPriorityExecutor`); a thread created from one of them inherits its
/// nice value, and the shared pool creates its worker threads from whichever thread hands it work,
/// so the intake puts its own thread back to normal (``restoreNormal()``) before it decodes. The same
/// holds for SCHED_IDLE (`spool.readers_idle`), which a new thread inherits too.
public enum ThreadPriority {
    /// The calling thread's nice value (0 where this cannot be read).
    public static var current: Int32 {
        #if os(Linux)
        errno = 0
        let value = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        return errno == 0 ? value : 0
        #else
        return 0
        #endif
    }

    /// Sets the calling thread's nice value; returns whether the kernel took it (raising a thread's
    /// priority above the process's needs a privilege; lowering it never does).
    @discardableResult
    public static func set(_ niceness: Int32) -> Bool {
        #if os(Linux)
        return setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) == 0
        #else
        return false
        #endif
    }

    /// Linux's SCHED_IDLE (5 in <sched.h>, behind _GNU_SOURCE there): the thread runs only when no
    /// other runnable thread of its scheduling group wants its core, and a waking normal thread
    /// preempts it at once (`spool.readers_idle`).
    static let schedIdle: Int32 = 5

    /// Moves the calling thread to SCHED_IDLE; returns whether the kernel took it.
    @discardableResult
    public static func setIdle() -> Bool {
        #if os(Linux)
        var parameters = sched_param(sched_priority: 0)
        return sched_setscheduler(0, schedIdle, &parameters) == 0
        #else
        return false
        #endif
    }

    /// Whether the calling thread runs under SCHED_IDLE.
    public static var isIdle: Bool {
        #if os(Linux)
        return sched_getscheduler(0) == schedIdle
        #else
        return false
        #endif
    }

    /// Puts a thread that inherited a reader's nice value, and its SCHED_IDLE if it had it, back to
    /// normal: one system call when it is already there (~0.2 µs per request piece of up to 1,000
    /// events). An idle reader's thread also has a positive nice value (``ReaderPriority``), so the
    /// one call tells both.
    public static func restoreNormal() {
        guard current > 0 else { return }
        #if os(Linux)
        if isIdle {
            var parameters = sched_param(sched_priority: 0)
            sched_setscheduler(0, SCHED_OTHER, &parameters)
        }
        #endif
        set(0)
    }
}
