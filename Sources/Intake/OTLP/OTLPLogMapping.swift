import Crypto
import Foundation
import LogModel
import OTLPProto
import SwiftProtobuf

/// One OTLP log record (with its resource and scope) as an event of the hub's ingest contract,
/// which the intake then normalises like any other event. Where OpenTelemetry's data model and the
/// contract meet:
///
/// - `time_unix_nano` (else `observed_time_unix_nano`; neither: the receive time) → `@timestamp`;
/// - `severity_number` → `log.level` by ranges of four (``OTLPSeverity``); without a number the
///   `severity_text` is read as a level name; the text itself is kept as `otel.severity_text`;
/// - body: a string is the `message`; a key-value list or an array is kept as `body` (an
///   attribute) and its JSON text is the message; other scalars become the message's text;
/// - record attributes → labels (scalars) or attributes (arrays), nested lists flattened to dotted
///   keys; the semantic conventions' `exception.type` / `exception.message` /
///   `exception.stacktrace` → `error.type` / `error.message` / `error.stack_trace`; an attribute
///   that would overwrite a field set here is kept as `otel.attribute.<key>`;
/// - resource `service.name` → `service.name` (the SDKs' default `unknown_service…` counts as
///   none: the token's service then), `deployment.environment.name` or `deployment.environment`
///   → `service.environment`, `host.name` → `host.name`, any other resource attribute →
///   `resource.<key>`;
/// - scope name → `log.logger` (the Python and Java SDKs use the logger's name), scope version →
///   `otel.scope.version`, scope attributes → `otel.scope.<key>`; `event_name` → `otel.event_name`;
/// - `trace_id` / `span_id` → `trace.id` / `span.id` in lowercase hex (all zero: none);
/// - `event.id`: a string attribute `event.id` on the record if there is one, else 32 hex digits
///   of the SHA-256 of the resource, scope and record as protobuf, so that an export sent again
///   (the exporters retry on 429, 503 and timeouts) is stored once.
enum OTLPLogMapping {
    typealias Record = Opentelemetry_Proto_Logs_V1_LogRecord
    typealias Resource = Opentelemetry_Proto_Resource_V1_Resource
    typealias Scope = Opentelemetry_Proto_Common_V1_InstrumentationScope

    /// What every record of one resource (and one scope) shares, computed once.
    struct Context {
        var fields: [(key: String, value: JSONValue)] = []
        var hashPrefix: [UInt8] = []

        /// `bytes`: the resource as protobuf (empty when the request has none), for the event ids.
        init(resource: Resource, bytes: ArraySlice<UInt8>) {
            var attributes: [(key: String, value: JSONValue)] = []
            OTLPAnyValue.flattened(resource.attributes, into: &attributes)
            var environment: JSONValue?
            for (key, value) in attributes {
                switch key {
                case "service.name":
                    if let name = value.stringValue, !name.isEmpty, !name.hasPrefix("unknown_service") { fields.append(("service.name", value)) }
                case "deployment.environment.name":
                    environment = value
                case "deployment.environment":
                    if environment == nil { environment = value }
                case "host.name":
                    fields.append(("host.name", value))
                default:
                    fields.append(("resource." + key, value))
                }
            }
            if let environment { fields.append(("service.environment", environment)) }
            hashPrefix = Self.lengthPrefixed(bytes)
        }

        func with(scope: Scope, bytes: ArraySlice<UInt8>) -> Context {
            var next = self
            if !scope.name.isEmpty { next.fields.append(("log.logger", .string(scope.name))) }
            if !scope.version.isEmpty { next.fields.append(("otel.scope.version", .string(scope.version))) }
            var attributes: [(key: String, value: JSONValue)] = []
            OTLPAnyValue.flattened(scope.attributes, into: &attributes)
            for (key, value) in attributes { next.fields.append(("otel.scope." + key, value)) }
            next.hashPrefix += Self.lengthPrefixed(bytes)
            return next
        }

        static func lengthPrefixed(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var count = UInt32(bytes.count).bigEndian
            return withUnsafeBytes(of: &count) { Array($0) } + bytes
        }
    }

    /// `bytes`: the record as protobuf, for its event id.
    static func event(_ record: Record, bytes: ArraySlice<UInt8>, context: Context) -> JSONObject {
        var event = JSONObject(minimumCapacity: 16 + record.attributes.count)
        var attributes: [(key: String, value: JSONValue)] = []
        OTLPAnyValue.flattened(record.attributes, into: &attributes)

        if let given = attributes.first(where: { $0.key == "event.id" })?.value, given.stringValue != nil {
            event["event.id"] = given
        } else {
            event["event.id"] = .string(eventID(recordBytes: bytes, context: context))
        }
        let nanos = record.timeUnixNano != 0 ? record.timeUnixNano : record.observedTimeUnixNano
        if nanos != 0, let micros = Int64(exactly: nanos / 1000) { event["@timestamp"] = .string(Timestamp.format(micros: micros)) }
        if let level = OTLPSeverity.level(record.severityNumber) {
            event["log.level"] = .string(level)
        } else if !record.severityText.isEmpty {
            event["log.level"] = .string(record.severityText)
        }
        if !record.severityText.isEmpty { event["otel.severity_text"] = .string(record.severityText) }
        if record.hasBody {
            let body = OTLPAnyValue.json(record.body)
            switch body {
            case .null: break
            case .string: event["message"] = body
            case .object, .array:
                event["message"] = .string(body.jsonString)
                event["body"] = body
            default: event["message"] = .string(body.scalarText ?? body.jsonString)
            }
        }
        for field in context.fields where event[field.key] == nil { event[field.key] = field.value }
        if let trace = nonZeroHex(record.traceID) { event["trace.id"] = .string(trace) }
        if let span = nonZeroHex(record.spanID) { event["span.id"] = .string(span) }
        if !record.eventName.isEmpty { event["otel.event_name"] = .string(record.eventName) }

        for (key, value) in attributes {
            var key = key
            switch key {
            case "event.id" where event["event.id"] == value: continue
            case "exception.type": key = "error.type"
            case "exception.message": key = "error.message"
            case "exception.stacktrace": key = "error.stack_trace"
            default: break
            }
            if event[key] != nil { key = "otel.attribute." + key }
            event[key] = value
        }
        return event
    }

    /// 32 hex digits of SHA-256 over the resource, the scope and the record as protobuf.
    static func eventID(recordBytes: ArraySlice<UInt8>, context: Context) -> String {
        var hasher = SHA256()
        hasher.update(data: context.hashPrefix)
        hasher.update(data: Context.lengthPrefixed(recordBytes))
        return OTLPHex.encode(hasher.finalize().prefix(16))
    }

    private static func nonZeroHex(_ id: Data) -> String? {
        guard !id.isEmpty, id.contains(where: { $0 != 0 }) else { return nil }
        return OTLPHex.encode(id)
    }
}
