/// Where the spool keeps its files and how much it may hold.
public struct SpoolConfiguration: Sendable, Equatable {
    /// The spool's own directory; `segments/`, `cursors/` and a `lock` file live inside it.
    public var directory: String
    /// A segment is rolled over before an append would take it past this size (default 64 MiB).
    /// One append call always stays in one segment, so a call larger than this gets a segment of its own.
    public var segmentBytes: Int
    /// Upper bound on bytes retained on disk plus bytes queued for writing (default 1 GiB).
    /// Must be at least twice `segmentBytes` so that a spool whose sinks have caught up always has room.
    public var maxBytes: Int64
    /// What `SpoolError.full` suggests as `Retry-After` (default 5 s).
    public var retryAfterSeconds: Int
    /// Largest single payload (default 1 MiB: an event is at most 256 KiB plus its spool envelope).
    public var maxRecordBytes: Int

    public static let defaultSegmentBytes = 64 << 20
    public static let defaultMaxBytes: Int64 = 1 << 30
    public static let defaultMaxRecordBytes = 1 << 20

    public init(
        directory: String,
        segmentBytes: Int = SpoolConfiguration.defaultSegmentBytes,
        maxBytes: Int64 = SpoolConfiguration.defaultMaxBytes,
        retryAfterSeconds: Int = 5,
        maxRecordBytes: Int = SpoolConfiguration.defaultMaxRecordBytes
    ) {
        self.directory = directory
        self.segmentBytes = segmentBytes
        self.maxBytes = maxBytes
        self.retryAfterSeconds = retryAfterSeconds
        self.maxRecordBytes = maxRecordBytes
    }

    /// Checks every value once, naming the key that is wrong.
    public func validate() throws(SpoolError) {
        if directory.isEmpty {
            throw .invalidConfiguration(key: "directory", reason: "must not be empty")
        }
        if segmentBytes < 4096 {
            throw .invalidConfiguration(key: "segmentBytes", reason: "must be at least 4096, is \(segmentBytes)")
        }
        if maxBytes < 2 * Int64(segmentBytes) {
            throw .invalidConfiguration(
                key: "maxBytes", reason: "must be at least twice segmentBytes (\(2 * segmentBytes)), is \(maxBytes)")
        }
        if retryAfterSeconds < 1 {
            throw .invalidConfiguration(key: "retryAfterSeconds", reason: "must be at least 1, is \(retryAfterSeconds)")
        }
        if maxRecordBytes < 1 || maxRecordBytes > Int(Int32.max) - RecordFormat.headerSize {
            throw .invalidConfiguration(
                key: "maxRecordBytes", reason: "must be between 1 and \(Int(Int32.max) - RecordFormat.headerSize), is \(maxRecordBytes)")
        }
    }
}

/// Decodes from the hub's configuration file: only `directory` is required, every other key takes
/// its default when missing, and an unknown key is an error (a typo must not silently mean "default").
extension SpoolConfiguration: Codable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case directory, segmentBytes, maxBytes, retryAfterSeconds, maxRecordBytes
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        for key in all.allKeys where CodingKeys(stringValue: key.stringValue) == nil {
            let known = CodingKeys.allCases.map(\.stringValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                forKey: key, in: all, debugDescription: "unknown spool setting '\(key.stringValue)' (known: \(known))")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            directory: try c.decode(String.self, forKey: .directory),
            segmentBytes: try c.decodeIfPresent(Int.self, forKey: .segmentBytes) ?? Self.defaultSegmentBytes,
            maxBytes: try c.decodeIfPresent(Int64.self, forKey: .maxBytes) ?? Self.defaultMaxBytes,
            retryAfterSeconds: try c.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? 5,
            maxRecordBytes: try c.decodeIfPresent(Int.self, forKey: .maxRecordBytes) ?? Self.defaultMaxRecordBytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(directory, forKey: .directory)
        try c.encode(segmentBytes, forKey: .segmentBytes)
        try c.encode(maxBytes, forKey: .maxBytes)
        try c.encode(retryAfterSeconds, forKey: .retryAfterSeconds)
        try c.encode(maxRecordBytes, forKey: .maxRecordBytes)
    }
}
