#if canImport(Glibc)
import Glibc
#endif

/// The calling thread's nice value. On Linux the nice value belongs to a thread, not the process,
/// and `who` 0 names the calling thread. The best-effort spool readers run on threads lowered to
/// `spool.readers_nice` (`LowPriorityExecutor`); a thread created from one of them inherits its
/// nice value, and the shared pool creates its worker threads from whichever thread hands it work,
/// so the intake puts its own thread back to normal (``restoreNormal()``) before it decodes.
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

    /// Puts a thread that inherited a reader's nice value back to 0: one system call when it is
    /// already there (~0.2 µs per request piece of up to 1,000 events).
    public static func restoreNormal() {
        if current > 0 { set(0) }
    }
}
