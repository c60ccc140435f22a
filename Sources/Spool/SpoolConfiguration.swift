/// Where the spool keeps its files, how much it may hold and how each sink's reader may lag.
/// The hub builds it from its own configuration keys; `validate()` answers with typed errors that
/// carry the numbers, so the hub can word them with the user's key names.
public struct SpoolConfiguration: Sendable, Equatable {
    /// The spool's own directory; `segments/`, `cursors/`, `quarantine/` and a `lock` file live inside it.
    public var directory: String
    /// A segment is rolled over before an append would take it past this size (default 64 MiB).
    /// One append call always stays in one segment, so a call larger than this gets a segment of its own.
    public var segmentBytes: Int
    /// Upper bound on bytes retained on disk plus bytes queued for writing (default 1 GiB).
    /// Must be at least twice `segmentBytes` so that a spool whose sinks have caught up always has room.
    public var maxBytes: Int64
    /// What `SpoolError.full` suggests as `Retry-After` (default 5 s).
    public var retryAfterSeconds: Int
    /// Largest single payload (default 1 MiB). The hub derives it from its largest accepted event
    /// plus the spool envelope, so that every event the intake accepts fits.
    public var maxRecordBytes: Int
    /// How a sink's reader may fall behind; a sink not listed is `.block`.
    public var sinkPolicies: [String: SpoolSinkPolicy]

    public static let defaultSegmentBytes = 64 << 20
    public static let defaultMaxBytes: Int64 = 1 << 30
    public static let defaultMaxRecordBytes = 1 << 20
    public static let minimumSegmentBytes = 4096
    /// A record's length is a u32 and must leave room for its header.
    public static let maximumRecordBytes = Int(Int32.max) - RecordFormat.headerSize

    public init(
        directory: String,
        segmentBytes: Int = SpoolConfiguration.defaultSegmentBytes,
        maxBytes: Int64 = SpoolConfiguration.defaultMaxBytes,
        retryAfterSeconds: Int = 5,
        maxRecordBytes: Int = SpoolConfiguration.defaultMaxRecordBytes,
        sinkPolicies: [String: SpoolSinkPolicy] = [:]
    ) {
        self.directory = directory
        self.segmentBytes = segmentBytes
        self.maxBytes = maxBytes
        self.retryAfterSeconds = retryAfterSeconds
        self.maxRecordBytes = maxRecordBytes
        self.sinkPolicies = sinkPolicies
    }

    public func policy(for sink: String) -> SpoolSinkPolicy { sinkPolicies[sink] ?? .block }

    /// Checks every value once.
    public func validate() throws(SpoolConfigurationError) {
        if directory.isEmpty { throw .emptyDirectory }
        if segmentBytes < Self.minimumSegmentBytes {
            throw .segmentBytesTooSmall(segmentBytes: segmentBytes, minimum: Self.minimumSegmentBytes)
        }
        if maxBytes < 2 * Int64(segmentBytes) {
            throw .maxBytesBelowTwoSegments(maxBytes: maxBytes, segmentBytes: segmentBytes)
        }
        if retryAfterSeconds < 1 { throw .retryAfterTooSmall(seconds: retryAfterSeconds) }
        if maxRecordBytes < 1 || maxRecordBytes > Self.maximumRecordBytes {
            throw .maxRecordBytesOutOfRange(maxRecordBytes: maxRecordBytes, allowed: 1...Self.maximumRecordBytes)
        }
        for (sink, policy) in sinkPolicies.sorted(by: { $0.key < $1.key }) {
            guard case .dropOldest(let maxLagBytes) = policy else { continue }
            // A dropping reader must never be what fills the spool: its lag plus the partly read
            // segment and the active one stay below maxBytes.
            let limit = maxBytes - 2 * Int64(segmentBytes)
            if maxLagBytes < 1 || maxLagBytes > limit {
                throw .maxLagBytesOutOfRange(sink: sink, maxLagBytes: maxLagBytes, allowed: 1...max(1, limit))
            }
        }
    }
}

/// What a sink's reader does when it falls far behind.
public enum SpoolSinkPolicy: Sendable, Equatable {
    /// Never lose anything: segments wait for this sink, up to `maxBytes`; then intake answers 503.
    /// For the stores (MongoDB, Elasticsearch).
    case block
    /// Best effort (alerting, live tail): once the sink lags more than `maxLagBytes` behind the end,
    /// its cursor jumps forward by whole segments; what it skipped is counted and logged.
    case dropOldest(maxLagBytes: Int64)
}

/// Why a `SpoolConfiguration` is unusable, with the numbers (the hub names its own keys).
public enum SpoolConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyDirectory
    case segmentBytesTooSmall(segmentBytes: Int, minimum: Int)
    case maxBytesBelowTwoSegments(maxBytes: Int64, segmentBytes: Int)
    case retryAfterTooSmall(seconds: Int)
    case maxRecordBytesOutOfRange(maxRecordBytes: Int, allowed: ClosedRange<Int>)
    case maxLagBytesOutOfRange(sink: String, maxLagBytes: Int64, allowed: ClosedRange<Int64>)
    case duplicateSink(String)

    public var description: String {
        switch self {
        case .emptyDirectory:
            return "the spool directory is empty"
        case let .segmentBytesTooSmall(segmentBytes, minimum):
            return "the spool segment size must be at least \(minimum) bytes, is \(segmentBytes)"
        case let .maxBytesBelowTwoSegments(maxBytes, segmentBytes):
            return "the spool bound must be at least twice the segment size (\(2 * Int64(segmentBytes)) bytes), is \(maxBytes)"
        case let .retryAfterTooSmall(seconds):
            return "the spool's Retry-After must be at least 1 s, is \(seconds)"
        case let .maxRecordBytesOutOfRange(bytes, allowed):
            return "the largest spool record must be between \(allowed.lowerBound) and \(allowed.upperBound) bytes, is \(bytes)"
        case let .maxLagBytesOutOfRange(sink, bytes, allowed):
            return "sink '\(sink)' may lag between \(allowed.lowerBound) and \(allowed.upperBound) bytes"
                + " (the spool bound less two segments), is \(bytes)"
        case let .duplicateSink(sink):
            return "sink '\(sink)' is listed twice"
        }
    }
}
