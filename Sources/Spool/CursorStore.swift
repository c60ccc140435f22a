#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// The persisted position of each sink: `<directory>/cursors/<sink>.cursor`, the decimal global
/// offset of the first record the sink has not yet delivered, followed by a newline.
///
/// Written as a temporary file, fsynced, renamed over the old one and the directory fsynced, so a
/// crash leaves either the old or the new value, never a torn one. Text so an operator can read it.
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
        let temporary = paths.cursorTemporary(sink: sink)
        let fd = try SystemIO.openFile(temporary, O_WRONLY | O_CREAT | O_TRUNC)
        do throws(SpoolError) {
            let text = Array("\(offset)\n".utf8)
            try SystemIO.write(fd, text, at: 0, path: temporary)
            try SystemIO.syncData(fd, path: temporary)
        } catch {
            SystemIO.closeFile(fd)
            throw error
        }
        SystemIO.closeFile(fd)
        try SystemIO.renameFile(temporary, to: paths.cursor(sink: sink))
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
