/// Event severity, ordered from least to most severe; stored as ``name``.
///
/// Reading what services send (``init?(parsing:)``):
/// - Names in any case, surrounding spaces ignored: `trace`, `debug`, `info` (`informational`,
///   `information`), `notice`, `warn`/`warning`, `error`/`err`, `critical`/`crit`/`fatal`,
///   `alert`, `emergency`/`emerg`/`panic`.
/// - Numbers (JSON numbers, or strings holding one) are told apart by range, because the two
///   schemes overlap nowhere in practice:
///   - 0…7 are syslog severities (RFC 5424: 0 emergency … 7 debug);
///   - 10…59 are Python `logging` levels, read by decade so custom levels fall with the standard
///     one below them: 10–19 debug, 20–29 info (loguru's SUCCESS = 25), 30–39 warning,
///     40–49 error, 50–59 critical.
///   Anything else (8, 9, 60+, negatives, fractions) is unknown. loguru's TRACE (5) therefore
///   reads as syslog notice; send the name instead.
/// - Unknown values return `nil`; the normaliser then stores `info` and keeps the original text in
///   `log.original_level`.
public enum Level: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
    case trace, debug, info, notice, warning, error, critical, alert, emergency

    /// The normalised name stored in `log.level`.
    public var name: String {
        switch self {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        case .critical: "critical"
        case .alert: "alert"
        case .emergency: "emergency"
        }
    }

    public var description: String { name }

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Reads a level from a JSON value as services send it; `nil` when it is not recognised.
    public init?(parsing value: JSONValue) {
        switch value {
        case .string(let text): self.init(parsing: text)
        case .int(let number): self.init(number: number)
        case .double(let number):
            guard number.rounded() == number, abs(number) < 1e6 else { return nil }
            self.init(number: Int64(number))
        default: return nil
        }
    }

    /// Reads a level name or a numeric string (see the type's documentation).
    public init?(parsing text: String) {
        // Names are at most 13 bytes ("informational"): pack them lowercased into two words and
        // compare integers, without allocating; this runs for every event.
        var text = text
        guard let level = text.withUTF8({ Level.parse(bytes: $0) }) else { return nil }
        self = level
    }

    /// ``init(parsing:)-(String)`` of a string's UTF-8, in place.
    public init?(parsingUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        guard let level = Level.parse(bytes: bytes) else { return nil }
        self = level
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Level? {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        let count = end - start
        guard count > 0, count <= 16 else { return nil }
        if count <= 4, bytes[start..<end].allSatisfy({ $0 &- 48 < 10 }) {
            var number: Int64 = 0
            for digit in bytes[start..<end] { number = number * 10 + Int64(digit - 48) }
            return Level(number: number)
        }
        var low: UInt64 = 0
        var high: UInt64 = 0
        for i in 0..<count {
            var c = bytes[start + i]
            if c &- 65 < 26 { c |= 0x20 }
            if i < 8 { low |= UInt64(c) << UInt64(8 * i) } else { high |= UInt64(c) << UInt64(8 * (i - 8)) }
        }
        for (name, level) in names where name.low == low && name.high == high { return level }
        return nil
    }

    /// Accepted names, packed as in `parse(bytes:)`.
    private static let names: [(name: (low: UInt64, high: UInt64), level: Level)] = [
        ("trace", .trace), ("debug", .debug), ("info", .info), ("informational", .info), ("information", .info),
        ("notice", .notice), ("warn", .warning), ("warning", .warning), ("error", .error), ("err", .error),
        ("critical", .critical), ("crit", .critical), ("fatal", .critical), ("alert", .alert),
        ("emergency", .emergency), ("emerg", .emergency), ("panic", .emergency),
    ].map { (name: String, level: Level) in
        var low: UInt64 = 0
        var high: UInt64 = 0
        for (i, c) in name.utf8.enumerated() {
            if i < 8 { low |= UInt64(c) << UInt64(8 * i) } else { high |= UInt64(c) << UInt64(8 * (i - 8)) }
        }
        return ((low, high), level)
    }

    /// Syslog severities 0…7, Python levels 10…59 by decade; `nil` otherwise.
    public init?(number: Int64) {
        switch number {
        case 0: self = .emergency
        case 1: self = .alert
        case 2: self = .critical
        case 3: self = .error
        case 4: self = .warning
        case 5: self = .notice
        case 6: self = .info
        case 7: self = .debug
        case 10..<20: self = .debug
        case 20..<30: self = .info
        case 30..<40: self = .warning
        case 40..<50: self = .error
        case 50..<60: self = .critical
        default: return nil
        }
    }

    /// The level whose stored ``name`` is `name` exactly (for reading stored documents back).
    public init?(name: String) {
        guard let level = Level.allCases.first(where: { $0.name == name }) else { return nil }
        self = level
    }

    /// The level whose stored name is exactly `bytes` (a peek at a stored document's bytes, with
    /// no `String` made for it).
    public init?(name bytes: UnsafeBufferPointer<UInt8>) {
        for (index, name) in Self.storedNames.enumerated() where name.count == bytes.count {
            if name.withUnsafeBufferPointer({ $0.elementsEqual(bytes) }) {
                self = Level(rawValue: index)!  // the cases are numbered in `allCases` order
                return
            }
        }
        return nil
    }

    private static let storedNames: [[UInt8]] = allCases.map { Array($0.name.utf8) }
}
