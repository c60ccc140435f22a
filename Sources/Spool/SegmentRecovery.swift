#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// Brings the segment files back to a consistent state when the spool opens, and creates new ones.
///
/// Only the last segment can hold a torn tail: the writer fsyncs a segment completely before it
/// creates the next one. So earlier segments get a header and size check, and the last one is read
/// record by record; the first record whose length or checksum is wrong, and everything after it,
/// is cut off. Those bytes were never fsynced as a whole, so no append that returned included them.
enum SegmentRecovery {
    struct Recovered {
        var segments: [SegmentEntry]
        /// Open read-write on the last segment, for the writer thread.
        var activeFD: Int32
    }

    static func recover(paths: SpoolPaths, logger: Logger) throws(SpoolError) -> Recovered {
        var bases = [UInt64]()
        for name in try SystemIO.listDirectory(paths.segments) {
            if let base = SegmentFormat.base(fromFileName: name) {
                bases.append(base)
            } else {
                logger.warning("ignoring a file that is not a spool segment", metadata: ["spool.path": "\(paths.segments)/\(name)"])
            }
        }
        bases.sort()
        guard let lastBase = bases.last else {
            let fd = try createSegment(paths: paths, base: 0)
            return Recovered(segments: [entry(paths, base: 0, fileBytes: Int64(SegmentFormat.headerSize))], activeFD: fd)
        }

        var segments = [SegmentEntry]()
        for base in bases.dropLast() {
            let path = paths.segment(base: base)
            let fd = try SystemIO.openFile(path, O_RDONLY)
            defer { SystemIO.closeFile(fd) }
            let size = try SystemIO.fileSize(fd, path: path)
            let header = try readHeader(fd, path: path)
            guard case .valid = SegmentFormat.check(header, expectedBase: base) else {
                let reason = if case let .invalid(why) = SegmentFormat.check(header, expectedBase: base) { why } else { "empty header" }
                // A sealed segment the spool cannot trust must not keep the hub from starting:
                // moved aside like a segment a reader finds corrupt, the next one follows the gap.
                try quarantine(path: path, base: base, offset: base, reason: reason, paths: paths, logger: logger)
                continue
            }
            try appendContiguous(entry(paths, base: base, fileBytes: size), to: &segments, paths: paths)
        }

        let path = paths.segment(base: lastBase)
        let fd = try SystemIO.openFile(path, O_RDWR)
        do throws(SpoolError) {
            let fileBytes = try recoverLast(fd: fd, path: path, base: lastBase, logger: logger)
            try appendContiguous(entry(paths, base: lastBase, fileBytes: fileBytes), to: &segments, paths: paths)
        } catch {
            SystemIO.closeFile(fd)
            throw error
        }
        return Recovered(segments: segments, activeFD: fd)
    }

    /// Creates a segment with its header, durably (file and directory entry), and returns it open read-write.
    static func createSegment(paths: SpoolPaths, base: UInt64) throws(SpoolError) -> Int32 {
        let path = paths.segment(base: base)
        // O_TRUNC rather than O_EXCL: a file of this name can only be the leftover of a rollover that
        // failed before any record in it was acknowledged.
        let fd = try SystemIO.openFile(path, O_RDWR | O_CREAT | O_TRUNC)
        do throws(SpoolError) {
            try SystemIO.write(fd, SegmentFormat.header(base: base), at: 0, path: path)
            try SystemIO.syncData(fd, path: path)
            try SystemIO.syncDirectory(paths.segments)
        } catch {
            SystemIO.closeFile(fd)
            try? SystemIO.removeFile(path)
            throw error
        }
        return fd
    }

    /// Verifies the last segment record by record, cuts off a torn tail and returns its valid size.
    private static func recoverLast(fd: Int32, path: String, base: UInt64, logger: Logger) throws(SpoolError) -> Int64 {
        let size = try SystemIO.fileSize(fd, path: path)
        let header = try readHeader(fd, path: path)
        let headerSize = Int64(SegmentFormat.headerSize)
        switch SegmentFormat.check(header, expectedBase: base) {
        case .valid:
            break
        case .blank:
            // The header is fsynced before any record goes in, so a blank one means a rollover was
            // cut short: nothing in this file was acknowledged.
            try SystemIO.truncateFile(fd, to: 0, path: path)
            try SystemIO.write(fd, SegmentFormat.header(base: base), at: 0, path: path)
            try SystemIO.syncData(fd, path: path)
            logger.warning(
                "spool: rewrote the missing header of the last segment (a rollover was interrupted)",
                metadata: ["spool.segment": "\(path)", "spool.dropped_bytes": "\(size)"])
            return headerSize
        case let .invalid(reason):
            throw .corruptSegment(path: path, offset: base, reason: reason)
        }

        var scanner = SegmentScanner(fd: fd, path: path, base: base, fileEnd: size, startOffset: base, chunkBytes: 4 << 20)
        var records = 0
        scan: while true {
            switch try scanner.next() {
            case .record: records += 1
            case .end: break scan
            case let .torn(reason):
                let validBytes = scanner.fileOffset
                try SystemIO.truncateFile(fd, to: validBytes, path: path)
                try SystemIO.syncData(fd, path: path)
                // WARN, not ERROR: a torn tail is what a crash mid-write leaves, and none of it was acknowledged.
                logger.warning(
                    "spool: dropped a torn tail from the last segment",
                    metadata: [
                        "spool.segment": "\(path)", "spool.offset": "\(scanner.globalOffset)",
                        "spool.dropped_bytes": "\(size - validBytes)", "spool.reason": "\(reason)",
                        "spool.records_kept": "\(records)",
                    ])
                return validBytes
            }
        }
        return size
    }

    private static func readHeader(_ fd: Int32, path: String) throws(SpoolError) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: SegmentFormat.headerSize)
        let count = try SystemIO.read(fd, into: &header, range: 0..<header.count, at: 0, path: path)
        return Array(header[0..<count])
    }

    private static func appendContiguous(_ next: SegmentEntry, to segments: inout [SegmentEntry], paths: SpoolPaths) throws(SpoolError) {
        if next.fileBytes < Int64(SegmentFormat.headerSize) {
            throw .corruptSegment(path: next.path, offset: next.base, reason: "file is shorter than a segment header")
        }
        // The one gap allowed: where corrupt segments were moved to quarantine/ (readers skip it).
        if let previous = segments.last, previous.end != next.base, quarantinedRun(from: previous.end, paths: paths) != next.base {
            throw .corruptSegment(
                path: next.path, offset: next.base,
                reason: "previous segment ends at offset \(previous.end) but this one starts at \(next.base);"
                    + " segment files were removed or changed by hand")
        }
        segments.append(next)
    }

    /// Moves a sealed segment to `quarantine/` and says so at error: acknowledged events in it from
    /// `offset` on reach no sink unless an operator acts.
    static func quarantine(path: String, base: UInt64, offset: UInt64, reason: String, paths: SpoolPaths, logger: Logger,
                           foundBy sink: String? = nil) throws(SpoolError) {
        let target = paths.quarantined(base: base)
        if try SystemIO.makeDirectory(paths.quarantine) { try SystemIO.syncDirectory(paths.root) }
        try SystemIO.renameFile(path, to: target)
        try SystemIO.syncDirectory(paths.segments)
        try SystemIO.syncDirectory(paths.quarantine)
        logger.error(
            "spool: a segment failed verification and was moved to quarantine; readers go on with the next segment",
            metadata: ["spool.segment": "\(path)", "spool.quarantined_as": "\(target)", "spool.offset": "\(offset)",
                       "spool.reason": "\(reason)", "sink.name": "\(sink ?? "-")"])
    }

    /// Where the run of quarantined segments starting at `base` ends (`base` itself when there is none).
    private static func quarantinedRun(from base: UInt64, paths: SpoolPaths) -> UInt64 {
        var end = base
        while let size = SystemIO.fileSizeIfExists(paths.quarantined(base: end)), size > Int64(SegmentFormat.headerSize) {
            end += UInt64(size - Int64(SegmentFormat.headerSize))
        }
        return end
    }

    private static func entry(_ paths: SpoolPaths, base: UInt64, fileBytes: Int64) -> SegmentEntry {
        SegmentEntry(base: base, fileBytes: fileBytes, path: paths.segment(base: base))
    }
}
