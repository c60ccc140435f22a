#if canImport(Glibc)
import Glibc
#endif

/// Names the calling thread as `/proc/<pid>/task/<tid>/comm` and `top -H` show it (15 bytes kept).
/// Foundation's `Thread.name` reaches the kernel only when the setter sees the thread already
/// registered as started, which races with the new thread's first lines: CI saw a reader's thread
/// keep its inherited name.
public enum ThreadName {
    /// Through `/proc/thread-self/comm` (what `pthread_setname_np` does for the calling thread;
    /// glibc declares that only for `_GNU_SOURCE`, which Swift's Glibc module leaves out).
    public static func set(_ name: String) {
        #if os(Linux)
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        #endif
    }
}
