public import LogModel

/// The facts alerting needs from one stored document (the ingest contract's shape: `log.level`,
/// `service.name`, `error.type`, `labels.*` …), read once per event so routing, grouping, Telegram
/// text and Sentry envelopes never parse the document again.
public struct AlertEvent: Sendable, Equatable {
    public var id: String
    public var timestampMillis: Int64
    public var level: Level
    public var service: String
    public var environment: String
    public var logger: String
    public var message: String
    public var errorType: String?
    public var errorMessage: String?
    public var stackTrace: String?
    /// The event's own `fingerprint` (a string or a list of strings, under `labels` or `attributes`).
    public var fingerprint: [String]?
    public var labels: [String: String]
    public var traceID: String?
    public var spanID: String?
    public var requestID: String?
    public var host: String?
    public var release: String?
    public var userID: String?
    /// The stored document the event was read from, for routes and rules with a `query`.
    public var document: JSONValue?

    public init(id: String, timestampMillis: Int64, level: Level, service: String, environment: String = "production",
                logger: String = "", message: String, errorType: String? = nil, errorMessage: String? = nil,
                stackTrace: String? = nil, fingerprint: [String]? = nil, labels: [String: String] = [:]) {
        self.id = id
        self.timestampMillis = timestampMillis
        self.level = level
        self.service = service
        self.environment = environment
        self.logger = logger
        self.message = message
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.stackTrace = stackTrace
        self.fingerprint = fingerprint
        self.labels = labels
    }

    /// Reads a stored document; `id` and `timestampMillis` come from the spool record.
    public init(document: JSONValue, id: String, timestampMillis: Int64) {
        // One pass over the top level (a stored document has a few dozen members) instead of a walk
        // from the root per field: this runs for every event some route or rule may concern.
        var log, service, error, trace, span, http, host, user, labelsObject, attributes: JSONObject?
        var message: String?
        if case .object(let top) = document {
            for member in top.members {
                switch member.key {
                case "log": if log == nil { log = member.value.objectValue }
                case "service": if service == nil { service = member.value.objectValue }
                case "error": if error == nil { error = member.value.objectValue }
                case "trace": if trace == nil { trace = member.value.objectValue }
                case "span": if span == nil { span = member.value.objectValue }
                case "http": if http == nil { http = member.value.objectValue }
                case "host": if host == nil { host = member.value.objectValue }
                case "user": if user == nil { user = member.value.objectValue }
                case "labels": if labelsObject == nil { labelsObject = member.value.objectValue }
                case "attributes": if attributes == nil { attributes = member.value.objectValue }
                case "message": if message == nil { message = member.value.scalarText }
                default: continue
                }
            }
        }
        func text(_ object: JSONObject?, _ key: String) -> String? { object?[key]?.scalarText }
        var labels: [String: String] = [:]
        if let labelsObject {
            labels.reserveCapacity(labelsObject.count)
            for member in labelsObject.members { if let value = member.value.scalarText { labels[member.key] = value } }
        }
        var fingerprint: [String]?
        if let own = labels["fingerprint"] {
            fingerprint = [own]
        } else if let list = attributes?["fingerprint"]?.arrayValue {
            let parts = list.compactMap(\.scalarText)
            if !parts.isEmpty { fingerprint = parts }
        }
        self.init(
            id: id, timestampMillis: timestampMillis,
            level: text(log, "level").flatMap { Level(name: $0) } ?? .info,
            service: text(service, "name") ?? "unknown",
            environment: text(service, "environment") ?? "production",
            logger: text(log, "logger") ?? "",
            message: message ?? "",
            errorType: text(error, "type"), errorMessage: text(error, "message"),
            stackTrace: text(error, "stack_trace"), fingerprint: fingerprint, labels: labels)
        traceID = text(trace, "id")
        spanID = text(span, "id")
        requestID = http?["request"]?["id"]?.scalarText ?? labels["request_id"]
        self.host = text(host, "name")
        release = text(service, "version") ?? labels["release"]
        userID = text(user, "id")
        self.document = document
    }

    /// The value of a grouping or matching field: `service`, `environment`, `logger`, `level`,
    /// `error.type`, `labels.<name>` (or a bare label name).
    public func value(of field: String) -> String {
        switch field {
        case "service", "service.name": return service
        case "environment", "service.environment": return environment
        case "logger", "log.logger": return logger
        case "level", "log.level": return level.name
        case "error.type": return errorType ?? ""
        case "host", "host.name": return host ?? ""
        default:
            let name = field.hasPrefix("labels.") ? String(field.dropFirst(7)) : field
            return labels[name] ?? ""
        }
    }
}
