#if canImport(Glibc)
import Glibc
#endif

/// Marks a thread of its own that may block: not an event loop, not Swift's shared pool (the
/// best-effort readers' `LowPriorityExecutor` threads). The spool runs a reader's blocking file work
/// (pread, cursor fsyncs) inline on such a thread, at that thread's priority, instead of handing it
/// to its IO threads, which run at the intake's.
public enum DedicatedThread {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// Marks the calling thread; only for threads that run nothing but their owner's jobs.
    public static func markCurrent() {
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
    }

    /// Clears the calling thread's mark.
    public static func unmarkCurrent() {
        pthread_setspecific(key, nil)
    }

    /// Whether the calling thread was marked.
    public static var isCurrent: Bool { pthread_getspecific(key) != nil }
}
