import LogModel

/// RFC 3339 timestamps <-> milliseconds since the Unix epoch, for BSON dates (which hold
/// milliseconds): the stored document carries `@timestamp` and `event.ingested` as RFC 3339 text.
/// One implementation for the whole hub: this delegates to LogModel's `Timestamp` (no Foundation,
/// well under a microsecond per call); fractions beyond milliseconds are truncated toward the past.
public enum RFC3339 {
    /// Parses `YYYY-MM-DD[T|t| ]HH:MM:SS[.fraction][Z|z|±HH:MM|±HHMM]`; no zone means UTC.
    /// Returns nil for anything else (including out-of-range fields such as month 13).
    public static func milliseconds(from text: String) -> Int64? {
        guard let micros = Timestamp.parse(text) else { return nil }
        return micros >= 0 ? micros / 1000 : (micros - 999) / 1000
    }

    /// ``milliseconds(from:)`` of UTF-8 bytes where they lie (a BSON writer's decoded string).
    public static func milliseconds(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let micros = Timestamp.parse(utf8: bytes) else { return nil }
        return micros >= 0 ? micros / 1000 : (micros - 999) / 1000
    }

    /// Formats as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, always three fraction digits), the form the
    /// stored document uses.
    public static func string(fromMilliseconds ms: Int64) -> String {
        Timestamp.format(micros: ms.multipliedReportingOverflow(by: 1000).overflow ? (ms < 0 ? Int64.min : Int64.max) : ms * 1000)
    }
}
