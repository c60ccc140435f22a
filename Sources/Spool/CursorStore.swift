#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// The persisted position of each sink: `<directory>/cursors/<sink>.cursor`, the decimal global
/// offset of the first record the sink has not yet delivered, right-aligned in 20 columns and
/// followed by a newline (21 bytes, always the same length). Text so an operator can read it.
///
/// The first value is written as a temporary file, fsynced and renamed into place. Every later one
/// overwrites those 21 bytes in place and fsyncs: that needs no new disk space, so a sink can still
/// move on, and segments can still be deleted, when the spool's volume is full (with write-and-rename
/// the full disk would block the very deletions that free it). A 21-byte write inside the first
/// sector is not torn by a crash, the assumption PostgreSQL makes for its 512-byte `pg_control`.
struct CursorStore: Sendable {
    let paths: SpoolPaths

    /// The stored cursor, or nil when the sink has none yet. An unreadable value is logged and
    /// treated as missing: the sink then starts at the oldest record, which re-delivers but loses nothing.
    func load(sink: String, logger: Logger) throws(SpoolError) -> UInt64? {
        let path = paths.cursor(sink: sink)
        let fd: Int32
        do {
            fd = try SystemIO.openFile(path, O_RDONLY)
        } catch {
            if case let .io(_, _, code) = error, code == ENOENT { return nil }
            throw error
        }
        defer { SystemIO.closeFile(fd) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = try SystemIO.read(fd, into: &bytes, range: 0..<bytes.count, at: 0, path: path)
        let text = String(decoding: bytes[0..<count], as: UTF8.self).trimmingASCIIWhitespace()
        guard let value = UInt64(text) else {
            logger.error(
                "spool cursor file is unreadable; the sink starts again at the oldest retained record",
                metadata: ["spool.path": "\(path)", "sink.name": "\(sink)", "spool.cursor_text": "\(text.prefix(40))"])
            return nil
        }
        return value
    }

    /// Durably replaces the sink's cursor.
    func save(sink: String, offset: UInt64) throws(SpoolError) {
        let path = paths.cursor(sink: sink)
        let record = Self.record(offset)
        let existing: Int32
        do {
            existing = try SystemIO.openFile(path, O_WRONLY)
        } catch {
            if case let .io(_, _, code) = error, code == ENOENT { return try create(path: path, sink: sink, record: record) }
            throw error
        }
        defer { SystemIO.closeFile(existing) }
        // A file of another length (an older format, or damage) is replaced whole, not patched.
        guard lseek(existing, 0, SEEK_END) == off_t(record.count) else { return try create(path: path, sink: sink, record: record) }
        try SystemIO.write(existing, record, at: 0, path: path)
        try SystemIO.syncData(existing, path: path)
    }

    /// The fixed-width text of `offset`: 20 columns (the widest UInt64) and a newline.
    static func record(_ offset: UInt64) -> [UInt8] {
        let digits = String(offset)
        return Array((String(repeating: " ", count: 20 - digits.count) + digits + "\n").utf8)
    }

    /// The first save of a sink's cursor: write-and-rename, so the file is never seen half-made.
    private func create(path: String, sink: String, record: [UInt8]) throws(SpoolError) {
        let temporary = paths.cursorTemporary(sink: sink)
        let fd = try SystemIO.openFile(temporary, O_WRONLY | O_CREAT | O_TRUNC)
        do throws(SpoolError) {
            try SystemIO.write(fd, record, at: 0, path: temporary)
            try SystemIO.syncData(fd, path: temporary)
        } catch {
            SystemIO.closeFile(fd)
            throw error
        }
        SystemIO.closeFile(fd)
        try SystemIO.renameFile(temporary, to: path)
        try SystemIO.syncDirectory(paths.cursors)
    }

    /// Removes temporary files a crash left behind mid-save.
    func removeLeftovers(logger: Logger) throws(SpoolError) {
        for name in try SystemIO.listDirectory(paths.cursors) where name.hasSuffix(".cursor.tmp") {
            try SystemIO.removeFile(paths.cursors + "/" + name)
            logger.debug("removed a leftover temporary cursor file", metadata: ["spool.path": "\(paths.cursors)/\(name)"])
        }
    }

    /// Sink names become file names, so they are restricted to a safe alphabet.
    static func isValidSinkName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 100, !name.hasPrefix(".") else { return false }
        return name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x2D
        }
    }
}

extension String {
    fileprivate func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
