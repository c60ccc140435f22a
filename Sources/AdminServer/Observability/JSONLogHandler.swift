#if canImport(Glibc)
import Glibc
#endif
import LogModel
import Logging

/// swift-log backend: one JSON object per line on stderr, in the same shape services ship
/// (`@timestamp`, `log.level`, `log.logger`, `message`, metadata), and optionally a copy into the
/// hub's own pipeline as service `admin` so the hub's logs are searchable beside everyone else's.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let forward: (@Sendable (JSONObject) -> Void)?

    public init(label: String, level: Logger.Level, forward: (@Sendable (JSONObject) -> Void)?) {
        self.label = label
        self.logLevel = level
        self.forward = forward
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object = JSONObject(minimumCapacity: 8)
        object.append("@timestamp", .string(Timestamp.format(micros: Self.nowMicros())))
        object.append("log.level", .string(Self.levelName(event.level)))
        object.append("log.logger", .string(label))
        object.append("message", .string(event.message.description))
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            object.append(key, Self.json(value))
        }
        var line = JSONValue.object(object).serialized()
        line.append(0x0A)
        // One write(2) per line: lines from concurrent tasks never interleave (pipe writes <= PIPE_BUF are atomic).
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
        forward?(object)
    }

    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace: return "trace"
        case .debug: return "debug"
        case .info: return "info"
        case .notice: return "notice"
        case .warning: return "warning"
        case .error: return "error"
        case .critical: return "critical"
        }
    }

    static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let s): return .string(s)
        case .stringConvertible(let s): return .string(s.description)
        case .array(let list): return .array(list.map(json))
        case .dictionary(let dict):
            var object = JSONObject()
            for (k, v) in dict.sorted(by: { $0.key < $1.key }) { object.append(k, json(v)) }
            return .object(object)
        }
    }

    static func nowMicros() -> Int64 { WallClock.nowMicros() }
}
