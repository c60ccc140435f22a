#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything that can go wrong in the spool, with the facts an operator needs to act on it.
///
/// `full` is backpressure, not a failure: the HTTP layer answers 503 with `Retry-After`. Every other
/// case means the call did nothing durable (an append wrote none of its records).
public enum SpoolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed. `errno` is the C error number; `description` renders its text.
    case io(operation: String, path: String, errno: Int32)
    /// Accepting this append would take the retained bytes over `limit`. Nothing of it was written.
    case full(usedBytes: Int64, limit: Int64, retryAfterSeconds: Int)
    /// One payload is larger than `SpoolConfiguration.maxRecordBytes`. Nothing of the call was written.
    case recordTooLarge(bytes: Int, limit: Int)
    /// The spool was closed; nothing more is appended or read.
    case closed
    /// A segment file is not what the spool wrote: a bad header, a record whose checksum fails inside
    /// data that was acknowledged, or a gap between segments. `offset` is the global offset concerned.
    case corruptSegment(path: String, offset: UInt64, reason: String)
    /// `reader(for:)` named a sink that was not registered when the spool was opened.
    case unknownSink(String)
    /// A sink name must be usable as a file name: 1–100 characters of `[A-Za-z0-9._-]`, not starting with `.`.
    case invalidSinkName(String)
    /// `commit(through:)` was given an offset outside what the reader has read.
    case cursorOutOfRange(sink: String, offset: UInt64, validRange: ClosedRange<UInt64>)
    /// A configuration value is unusable.
    case invalidConfiguration(SpoolConfigurationError)
    /// Another process (or another `Spool` in this one) has this directory open.
    case locked(path: String)
    /// `skip` named a segment the spool does not hold.
    case noSuchSegment(base: UInt64, retained: [UInt64])

    /// A fixed, low-cardinality code for metrics and logs (never the message).
    public var code: String {
        switch self {
        case .io: "spool_io"
        case .full: "spool_full"
        case .recordTooLarge: "record_too_large"
        case .closed: "spool_closed"
        case .corruptSegment: "spool_corrupt"
        case .unknownSink: "unknown_sink"
        case .invalidSinkName: "invalid_sink_name"
        case .cursorOutOfRange: "cursor_out_of_range"
        case .invalidConfiguration: "invalid_configuration"
        case .locked: "spool_locked"
        case .noSuchSegment: "no_such_segment"
        }
    }

    public var description: String {
        switch self {
        case let .io(operation, path, code):
            return "spool: \(operation) \(path) failed: \(Self.errnoText(code)) (errno \(code))"
        case let .full(used, limit, retry):
            return "spool is full: \(used) bytes retained or queued, limit \(limit) bytes; a sink is lagging or down."
                + " Retry in \(retry) s, or raise the spool bound"
        case let .recordTooLarge(bytes, limit):
            return "spool record of \(bytes) bytes exceeds the largest record the spool takes (\(limit) bytes)"
        case .closed:
            return "spool is closed"
        case let .corruptSegment(path, offset, reason):
            return "spool segment \(path) is corrupt at offset \(offset): \(reason)"
        case let .unknownSink(name):
            return "spool has no sink named '\(name)'; sinks are registered when the spool is opened"
        case let .invalidSinkName(name):
            return "invalid spool sink name '\(name)': use 1-100 characters of [A-Za-z0-9._-], not starting with '.'"
        case let .cursorOutOfRange(sink, offset, range):
            return "sink '\(sink)' cannot commit offset \(offset): it must lie between its committed cursor and its"
                + " read position (\(range.lowerBound)...\(range.upperBound))"
        case let .invalidConfiguration(error):
            return "invalid spool configuration: \(error)"
        case let .locked(path):
            return "spool directory is in use by another process (lock held on \(path))"
        case let .noSuchSegment(base, retained):
            return "the spool holds no segment starting at offset \(base); it holds: "
                + (retained.isEmpty ? "none" : retained.map(String.init).joined(separator: ", "))
        }
    }

    static func errnoText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "unknown error" }
        return String(cString: text)
    }
}

extension SpoolError {
    /// The volume holding the spool has no space left (ENOSPC, or EDQUOT for a quota): unlike the
    /// spool's own bound, this clears only as the sinks deliver and whole segments are deleted.
    public var isNoSpaceLeft: Bool {
        guard case .io(_, _, let errno) = self else { return false }
        return errno == ENOSPC || errno == EDQUOT
    }
}
