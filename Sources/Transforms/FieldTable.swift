/// The contract's table as key lookups. Dotted names arrive either flat (`"log.level": "x"`) or
/// nested (`{"log": {"level": "x"}}`); both hold the alias's priority, and between the two the one
/// that comes first in the event wins.
enum FieldTable {
    /// ECS objects whose members are fields.
    enum Object: Int, Sendable {
        case log, service, error, event, trace, span, http, httpRequest, user, host
    }

    /// Member tables, indexed by ``Object``.
    static let objects: [KeyTable<KeyRole>] = [
        // log
        KeyTable([
            ("level", .field(.level, 0, "log.level", .stringOrNumber)),
            ("logger", .field(.logger, 0, "log.logger")),
            ("message", .field(.message, 2, "log.message", .anyValue)),
        ]),
        // service
        KeyTable([
            ("name", .field(.service, 0, "service.name")),
            ("environment", .field(.environment, 0, "service.environment")),
        ]),
        // error
        KeyTable([
            ("type", .field(.errorType, 0, "error.type")),
            ("message", .field(.errorMessage, 0, "error.message")),
            ("stack_trace", .field(.errorStack, 0, "error.stack_trace", .stack)),
        ]),
        // event
        KeyTable([
            ("id", .field(.eventID, 0, "event.id", .anyValue)),
            ("dataset", .field(.dataset, 0, "event.dataset")),
        ]),
        // trace, span
        KeyTable([("id", .field(.traceID, 0, "trace.id"))]),
        KeyTable([("id", .field(.spanID, 0, "span.id"))]),
        // http, http.request
        KeyTable([("request", .object(.httpRequest))]),
        KeyTable([("id", .field(.requestID, 1, "http.request.id"))]),
        // user, host
        KeyTable([("id", .field(.userID, 0, "user.id"))]),
        KeyTable([("name", .field(.host, 0, "host.name"))]),
    ]

    static let topLevel = KeyTable<KeyRole>([
        // time
        ("@timestamp", .field(.time, 0, "@timestamp", .stringOrNumber)),
        ("timestamp", .field(.time, 1, "timestamp", .stringOrNumber)),
        ("time", .field(.time, 2, "time", .stringOrNumber)),
        ("ts", .field(.time, 3, "ts", .stringOrNumber)),
        ("asctime", .field(.time, 4, "asctime", .stringOrNumber)),
        ("created", .field(.time, 5, "created", .stringOrNumber)),
        // severity
        ("log.level", .field(.level, 0, "log.level", .stringOrNumber)),
        ("level", .field(.level, 1, "level", .stringOrNumber)),
        ("severity", .field(.level, 2, "severity", .stringOrNumber)),
        ("levelname", .field(.level, 3, "levelname", .stringOrNumber)),
        ("loglevel", .field(.level, 4, "loglevel", .stringOrNumber)),
        ("syslog_severity", .field(.level, 5, "syslog_severity", .stringOrNumber)),
        ("log", .object(.log)),
        // message
        ("message", .field(.message, 0, "message", .anyValue)),
        ("msg", .field(.message, 1, "msg", .anyValue)),
        ("log.message", .field(.message, 2, "log.message", .anyValue)),
        ("event", KeyRole.field(.message, 3, "event", .notObject).orObject(.event)),
        ("short_message", .field(.message, 4, "short_message", .anyValue)),
        // service
        ("service.name", .field(.service, 0, "service.name")),
        ("service", KeyRole.field(.service, 1, "service").orObject(.service)),
        ("app", .field(.service, 2, "app")),
        ("application", .field(.service, 3, "application")),
        // environment
        ("service.environment", .field(.environment, 0, "service.environment")),
        ("environment", .field(.environment, 1, "environment")),
        ("env", .field(.environment, 2, "env")),
        // logger
        ("log.logger", .field(.logger, 0, "log.logger")),
        ("logger", .field(.logger, 1, "logger")),
        ("name", .field(.logger, 2, "name")),
        ("logger_name", .field(.logger, 3, "logger_name")),
        // ids
        ("trace.id", .field(.traceID, 0, "trace.id")),
        ("trace_id", .field(.traceID, 1, "trace_id")),
        ("trace", .object(.trace)),
        ("span.id", .field(.spanID, 0, "span.id")),
        ("span_id", .field(.spanID, 1, "span_id")),
        ("span", .object(.span)),
        ("request_id", .field(.requestID, 0, "request_id")),
        ("http.request.id", .field(.requestID, 1, "http.request.id")),
        ("http", .object(.http)),
        ("user.id", .field(.userID, 0, "user.id")),
        ("user_id", .field(.userID, 1, "user_id")),
        ("user", .object(.user)),
        ("shop_id", .field(.shopID, 0, "shop_id")),
        // error
        ("error.type", .field(.errorType, 0, "error.type")),
        ("error.message", .field(.errorMessage, 0, "error.message")),
        ("error.stack_trace", .field(.errorStack, 0, "error.stack_trace", .stack)),
        ("exc_info", .field(.errorStack, 1, "exc_info", .stack)),
        ("exception", .field(.errorStack, 2, "exception", .stackOrObject)),
        ("stack_trace", .field(.errorStack, 3, "stack_trace", .stack)),
        ("traceback", .field(.errorStack, 4, "traceback", .stack)),
        ("error", .object(.error)),
        // host
        ("host.name", .field(.host, 0, "host.name")),
        ("host", KeyRole.field(.host, 1, "host").orObject(.host)),
        ("hostname", .field(.host, 2, "hostname")),
        // event id and dataset
        ("event.id", .field(.eventID, 0, "event.id", .anyValue)),
        ("id", .field(.eventID, 1, "id", .anyValue)),
        ("uuid", .field(.eventID, 2, "uuid", .anyValue)),
        ("event.dataset", .field(.dataset, 0, "event.dataset")),
    ])
}
