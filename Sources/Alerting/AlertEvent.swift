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
    public var labels: AlertLabels
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
                stackTrace: String? = nil, fingerprint: [String]? = nil, labels: AlertLabels = [:]) {
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
                switch TopLevelMember(member.key) {
                case .log?: if log == nil { log = member.value.objectValue }
                case .service?: if service == nil { service = member.value.objectValue }
                case .error?: if error == nil { error = member.value.objectValue }
                case .trace?: if trace == nil { trace = member.value.objectValue }
                case .span?: if span == nil { span = member.value.objectValue }
                case .http?: if http == nil { http = member.value.objectValue }
                case .host?: if host == nil { host = member.value.objectValue }
                case .user?: if user == nil { user = member.value.objectValue }
                case .labels?: if labelsObject == nil { labelsObject = member.value.objectValue }
                case .attributes?: if attributes == nil { attributes = member.value.objectValue }
                case .message?: if message == nil { message = member.value.scalarText }
                case nil: continue
                }
            }
        }
        func text(_ object: JSONObject?, _ key: String) -> String? { object?[key]?.scalarText }
        let labels = labelsObject.map(AlertLabels.init(object:)) ?? [:]
        // Every stored property set here, not through the memberwise `init`: delegating to it built
        // the event and then copied it (~1,600 instructions per event).
        self.id = id
        self.timestampMillis = timestampMillis
        level = text(log, "level").flatMap { Level(name: $0) } ?? .info
        self.service = text(service, "name") ?? "unknown"
        environment = text(service, "environment") ?? "production"
        logger = text(log, "logger") ?? ""
        self.message = message ?? ""
        errorType = text(error, "type")
        errorMessage = text(error, "message")
        stackTrace = text(error, "stack_trace")
        if let own = labels["fingerprint"] {
            fingerprint = [own]
        } else if let list = attributes?["fingerprint"]?.arrayValue, case let parts = list.compactMap(\.scalarText), !parts.isEmpty {
            fingerprint = parts
        } else {
            fingerprint = nil
        }
        self.labels = labels
        traceID = text(trace, "id")
        spanID = text(span, "id")
        requestID = http?["request"]?["id"]?.scalarText ?? labels["request_id"]
        self.host = text(host, "name")
        release = text(service, "version") ?? labels["release"]
        userID = text(user, "id")
        self.document = document
    }

    /// What alerting needs parsed of a stored document for these routes and rules: the members
    /// `init(document:)` reads and those their queries may read (nil: all, when a query names a
    /// member that is not ASCII). `@timestamp`, `event` and `ingest` are usually passed over.
    public static func membersRead(route: AlertRoute, rules: [AlertRule]) -> JSONMemberSelection? {
        let queries = route.allRoutes.compactMap(\.query) + rules.compactMap(\.query)
        return JSONMemberSelection(TopLevelMember.names + queries.flatMap(\.topLevelMembersRead))
    }

    /// The top-level members `init(document:)` reads, told apart by length first: a `switch` over
    /// the names compared each key with every name before it (~66 string comparisons per event).
    private enum TopLevelMember {
        case log, service, error, trace, span, http, host, user, labels, attributes, message

        static let names = ["log", "service", "error", "trace", "span", "http", "host", "user", "labels", "attributes", "message"]

        init?(_ key: String) {
            switch key.utf8.count {
            case 3 where key == "log": self = .log
            case 4:
                switch key {
                case "http": self = .http
                case "host": self = .host
                case "span": self = .span
                case "user": self = .user
                default: return nil
                }
            case 5 where key == "error": self = .error
            case 5 where key == "trace": self = .trace
            case 6 where key == "labels": self = .labels
            case 7 where key == "service": self = .service
            case 7 where key == "message": self = .message
            case 10 where key == "attributes": self = .attributes
            default: return nil
            }
        }
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
