#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// What an operator needs to see and fix a spool while no hub has it open (`admin spool inspect`,
/// `admin spool skip`). Reading is safe at any time; changing a cursor needs the directory lock,
/// so it is refused while a hub holds the spool.
public enum SpoolInspector {
    /// One segment file as found on disk (sizes from the file, not verified record by record).
    public struct Segment: Sendable, Equatable {
        public var base: UInt64
        public var fileBytes: Int64
        public var path: String
        public var end: UInt64 { base + UInt64(max(0, fileBytes - Int64(SegmentFormat.headerSize))) }
    }

    public struct Cursor: Sendable, Equatable {
        public var sink: String
        /// nil when the cursor file is unreadable.
        public var offset: UInt64?
        /// Record bytes between the cursor and the end of the newest segment.
        public var lagBytes: UInt64?
    }

    public struct Report: Sendable, Equatable {
        public var directory: String
        public var segments: [Segment]
        public var cursors: [Cursor]
        public var quarantined: [Segment]
        /// True when a process (a running hub) holds the spool's lock.
        public var inUse: Bool
        public var endOffset: UInt64 { segments.last?.end ?? 0 }
    }

    public static func inspect(directory: String) throws(SpoolError) -> Report {
        let paths = SpoolPaths(root: directory)
        let segments = try listSegments(in: paths.segments) { paths.segment(base: $0) }
        let quarantined = SystemIO.fileSizeIfExists(paths.quarantine) == nil ? []
            : try listSegments(in: paths.quarantine) { paths.quarantined(base: $0) }
        let end = segments.last?.end ?? 0
        let store = CursorStore(paths: paths)
        var cursors = [Cursor]()
        let quiet = Logger(label: "spool.inspect", factory: { _ in SwiftLogNoOpLogHandler() })
        let names = SystemIO.fileSizeIfExists(paths.cursors) == nil ? [] : try SystemIO.listDirectory(paths.cursors)
        for name in names.sorted() where name.hasSuffix(".cursor") {
            let sink = String(name.dropLast(".cursor".count))
            let offset = try store.load(sink: sink, logger: quiet)
            cursors.append(Cursor(sink: sink, offset: offset, lagBytes: offset.map { end > $0 ? end - $0 : 0 }))
        }
        return Report(directory: paths.root, segments: segments, cursors: cursors, quarantined: quarantined,
                      inUse: try isLocked(paths))
    }

    /// Moves `sink`'s cursor to the start of the segment based at `segmentBase`: forward to skip what
    /// it cannot deliver, or back to deliver again (the stores dedupe by event id). Throws `.locked`
    /// while a hub holds the spool, `.noSuchSegment` for a base the spool does not hold.
    /// Returns the previous cursor (nil if the sink had none).
    @discardableResult
    public static func skip(directory: String, sink: String, toSegment segmentBase: UInt64) throws(SpoolError) -> UInt64? {
        guard CursorStore.isValidSinkName(sink) else { throw .invalidSinkName(sink) }
        let paths = SpoolPaths(root: directory)
        let lock = try SystemIO.lockFile(paths.lock)
        defer { SystemIO.closeFile(lock) }
        let segments = try listSegments(in: paths.segments) { paths.segment(base: $0) }
        guard segments.contains(where: { $0.base == segmentBase }) else {
            throw .noSuchSegment(base: segmentBase, retained: segments.map(\.base))
        }
        let store = CursorStore(paths: paths)
        let quiet = Logger(label: "spool.skip", factory: { _ in SwiftLogNoOpLogHandler() })
        let previous = try store.load(sink: sink, logger: quiet)
        try store.save(sink: sink, offset: segmentBase)
        return previous
    }

    private static func listSegments(in directory: String, path: (UInt64) -> String) throws(SpoolError) -> [Segment] {
        var segments = [Segment]()
        for name in try SystemIO.listDirectory(directory) {
            guard let base = SegmentFormat.base(fromFileName: name) else { continue }
            let file = path(base)
            segments.append(Segment(base: base, fileBytes: SystemIO.fileSizeIfExists(file) ?? 0, path: file))
        }
        return segments.sorted { $0.base < $1.base }
    }

    private static func isLocked(_ paths: SpoolPaths) throws(SpoolError) -> Bool {
        guard SystemIO.fileSizeIfExists(paths.lock) != nil else { return false }
        do {
            SystemIO.closeFile(try SystemIO.lockFile(paths.lock))
            return false
        } catch {
            if case .locked = error { return true }
            throw error
        }
    }
}
