#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the POSIX calls the spool makes, each turning a failure into
/// `SpoolError.io` with the operation and path. File descriptors are plain `Int32`s owned by
/// whoever opened them (the writer thread, a reader, recovery), never shared between owners.
enum SystemIO {
    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(SpoolError) -> Int32 {
        let fd = retryingEINTR { open(path, flags | O_CLOEXEC, mode) }
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        return fd
    }

    static func closeFile(_ fd: Int32) {
        // close(2) must not be retried on EINTR on Linux: the descriptor is already released.
        _ = close(fd)
    }

    /// Reads up to `buffer.count` bytes at `offset`; fewer only at end of file.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64, path: String) throws(SpoolError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = retryingEINTR {
                pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + Int64(done)))
            }
            if n < 0 { throw .io(operation: "read", path: path, errno: errno) }
            if n == 0 { break }
            done += n
        }
        return done
    }

    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64, path: String) throws(SpoolError) {
        var done = 0
        while done < bytes.count {
            let n = retryingEINTR {
                pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + Int64(done)))
            }
            if n < 0 { throw .io(operation: "write", path: path, errno: errno) }
            done += n
        }
    }

    /// Writes `parts` back to back from `offset`, as many per `pwritev` as the system takes (the
    /// writer's appends without copying them into one buffer first); a short write goes on where it stopped.
    /// `written` counts the bytes written, also when a later call fails (the writer cuts them off again).
    static func write(
        _ fd: Int32, _ parts: [UnsafeRawBufferPointer], at offset: Int64, path: String, written total: inout Int
    ) throws(SpoolError) {
        var vectors = parts.compactMap { part in
            part.isEmpty ? nil : iovec(iov_base: UnsafeMutableRawPointer(mutating: part.baseAddress), iov_len: part.count)
        }
        var first = 0
        var at = offset
        while first < vectors.count {
            let n = min(vectors.count - first, maxVectorsPerCall)
            let written = vectors.withUnsafeBufferPointer { all in
                retryingEINTR { pwritev(fd, all.baseAddress! + first, Int32(n), off_t(at)) }
            }
            if written < 0 { throw .io(operation: "write", path: path, errno: errno) }
            // A regular file never takes 0 bytes of a non-empty write; do not spin if one does.
            if written == 0 { throw .io(operation: "write", path: path, errno: EIO) }
            at += Int64(written)
            total += written
            var left = written
            while left > 0 {
                if left >= vectors[first].iov_len {
                    left -= vectors[first].iov_len
                    first += 1
                } else {
                    vectors[first].iov_base += left
                    vectors[first].iov_len -= left
                    left = 0
                }
            }
        }
    }

    /// IOV_MAX on Linux (not imported as a constant).
    private static let maxVectorsPerCall = 1024

    /// Writes a whole array at `offset`. (Array's `withUnsafeBytes` rethrows untyped, hence the Result.)
    static func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int64, path: String) throws(SpoolError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(SpoolError) in try write(fd, raw, at: offset, path: path) }
        }
        try result.get()
    }

    /// Fills `bytes[range]` from `offset`; returns how many bytes were read (fewer only at end of file).
    static func read(_ fd: Int32, into bytes: inout [UInt8], range: Range<Int>, at offset: Int64, path: String) throws(SpoolError) -> Int {
        let result = bytes.withUnsafeMutableBytes { raw in
            Result { () throws(SpoolError) in
                try read(fd, into: UnsafeMutableRawBufferPointer(rebasing: raw[range]), at: offset, path: path)
            }
        }
        return try result.get()
    }

    /// Makes written data durable. fdatasync also flushes the file size, which is all an append changes.
    static func syncData(_ fd: Int32, path: String) throws(SpoolError) {
        #if os(Linux)
        let rc = retryingEINTR { fdatasync(fd) }
        #else
        let rc = retryingEINTR { fsync(fd) }
        #endif
        guard rc == 0 else { throw .io(operation: "fdatasync", path: path, errno: errno) }
    }

    /// Makes a directory's entries durable (a created, renamed or removed file name).
    static func syncDirectory(_ path: String) throws(SpoolError) {
        let fd = try openFile(path, O_RDONLY | O_DIRECTORY)
        defer { closeFile(fd) }
        guard retryingEINTR({ fsync(fd) }) == 0 else { throw .io(operation: "fsync directory", path: path, errno: errno) }
    }

    static func fileSize(_ fd: Int32, path: String) throws(SpoolError) -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(operation: "stat", path: path, errno: errno) }
        return Int64(info.st_size)
    }

    static func truncateFile(_ fd: Int32, to size: Int64, path: String) throws(SpoolError) {
        guard retryingEINTR({ ftruncate(fd, off_t(size)) }) == 0 else {
            throw .io(operation: "truncate", path: path, errno: errno)
        }
    }

    static func renameFile(_ from: String, to: String) throws(SpoolError) {
        guard rename(from, to) == 0 else { throw .io(operation: "rename to \(to)", path: from, errno: errno) }
    }

    /// Removes a file; a file that is already gone counts as removed.
    static func removeFile(_ path: String) throws(SpoolError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw .io(operation: "unlink", path: path, errno: errno) }
    }

    /// Creates a directory unless it exists; returns whether it was created.
    static func makeDirectory(_ path: String) throws(SpoolError) -> Bool {
        if mkdir(path, 0o755) == 0 { return true }
        let code = errno
        var info = stat()
        if code == EEXIST, stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { return false }
        throw .io(operation: "mkdir", path: path, errno: code)
    }

    static func fileSizeIfExists(_ path: String) -> Int64? {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : nil
    }

    /// The file's modification time in microseconds since the epoch, nil when it cannot be read.
    static func modificationMicros(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1000
    }

    /// The wall clock in microseconds since the epoch (CLOCK_REALTIME).
    static func nowMicros() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
    }

    static func listDirectory(_ path: String) throws(SpoolError) -> [String] {
        guard let dir = opendir(path) else { throw .io(operation: "list directory", path: path, errno: errno) }
        defer { closedir(dir) }
        var names = [String]()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Takes an exclusive advisory lock on `path` (created if missing) and returns the descriptor that
    /// holds it; closing it releases the lock. flock locks belong to the open file description, so a
    /// second open of the same spool, even in this process, is refused.
    static func lockFile(_ path: String) throws(SpoolError) -> Int32 {
        let fd = try openFile(path, O_RDWR | O_CREAT)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            closeFile(fd)
            if code == EWOULDBLOCK { throw .locked(path: path) }
            throw .io(operation: "lock", path: path, errno: code)
        }
        return fd
    }

    @inline(__always)
    private static func retryingEINTR<T: BinaryInteger>(_ body: () -> T) -> T {
        while true {
            let r = body()
            if r < 0 && errno == EINTR { continue }
            return r
        }
    }
}
