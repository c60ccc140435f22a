import Foundation
import LogModel
import OTLPProto

/// Reads OTLP/JSON (the OTLP/HTTP spec's JSON encoding) into the generated messages, so both
/// encodings then take one path. It is not plain proto3 JSON, which SwiftProtobuf's decoder
/// implements: trace and span ids are hex, not base64; enums are integers; 64-bit integers arrive
/// as strings or numbers. Keys are lowerCamelCase, and snake_case is accepted too, as the spec asks
/// of receivers. Unknown keys are ignored (the spec's forward compatibility).
///
/// A malformed log record is left out and reported; a malformed envelope (not an object,
/// `resourceLogs` not an array, a bad resource or scope) fails the whole request.
enum OTLPJSONReader {
    struct Failure: Error {
        let message: String
    }

    typealias Request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest

    /// The request without its malformed records, and why each of those was left out.
    static func read(_ value: JSONValue) throws(Failure) -> (request: Request, rejected: [String]) {
        guard case .object(let root) = value else { throw Failure(message: "the body must be a JSON object (ExportLogsServiceRequest)") }
        var request = Request()
        var rejected: [String] = []
        for (r, resourceValue) in try array(root, "resourceLogs", "resource_logs", at: "").enumerated() {
            let at = "resourceLogs[\(r)]"
            guard case .object(let resourceObject) = resourceValue else { throw Failure(message: "\(at) must be an object") }
            var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
            if let resource = member(resourceObject, "resource", "resource") {
                resourceLogs.resource = try Self.resource(resource, at: at + ".resource")
            }
            resourceLogs.schemaURL = try string(resourceObject, "schemaUrl", "schema_url", at: at) ?? ""
            for (s, scopeValue) in try array(resourceObject, "scopeLogs", "scope_logs", at: at).enumerated() {
                let scopeAt = "\(at).scopeLogs[\(s)]"
                guard case .object(let scopeObject) = scopeValue else { throw Failure(message: "\(scopeAt) must be an object") }
                var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
                if let scope = member(scopeObject, "scope", "scope") {
                    scopeLogs.scope = try Self.scope(scope, at: scopeAt + ".scope")
                }
                scopeLogs.schemaURL = try string(scopeObject, "schemaUrl", "schema_url", at: scopeAt) ?? ""
                for (l, recordValue) in try array(scopeObject, "logRecords", "log_records", at: scopeAt).enumerated() {
                    let recordAt = "\(scopeAt).logRecords[\(l)]"
                    do throws(Failure) {
                        scopeLogs.logRecords.append(try record(recordValue, at: recordAt))
                    } catch {
                        rejected.append(error.message)
                    }
                }
                resourceLogs.scopeLogs.append(scopeLogs)
            }
            request.resourceLogs.append(resourceLogs)
        }
        return (request, rejected)
    }

    // MARK: Messages

    private static func resource(_ value: JSONValue, at: String) throws(Failure) -> Opentelemetry_Proto_Resource_V1_Resource {
        guard case .object(let object) = value else { throw Failure(message: "\(at) must be an object") }
        var resource = Opentelemetry_Proto_Resource_V1_Resource()
        resource.attributes = try attributes(object, at: at)
        resource.droppedAttributesCount = try uint32(object, "droppedAttributesCount", "dropped_attributes_count", at: at)
        return resource
    }

    private static func scope(_ value: JSONValue, at: String) throws(Failure) -> Opentelemetry_Proto_Common_V1_InstrumentationScope {
        guard case .object(let object) = value else { throw Failure(message: "\(at) must be an object") }
        var scope = Opentelemetry_Proto_Common_V1_InstrumentationScope()
        scope.name = try string(object, "name", "name", at: at) ?? ""
        scope.version = try string(object, "version", "version", at: at) ?? ""
        scope.attributes = try attributes(object, at: at)
        scope.droppedAttributesCount = try uint32(object, "droppedAttributesCount", "dropped_attributes_count", at: at)
        return scope
    }

    private static func record(_ value: JSONValue, at: String) throws(Failure) -> Opentelemetry_Proto_Logs_V1_LogRecord {
        guard case .object(let object) = value else { throw Failure(message: "\(at) must be an object") }
        var record = Opentelemetry_Proto_Logs_V1_LogRecord()
        record.timeUnixNano = try uint64(object, "timeUnixNano", "time_unix_nano", at: at)
        record.observedTimeUnixNano = try uint64(object, "observedTimeUnixNano", "observed_time_unix_nano", at: at)
        if let severity = member(object, "severityNumber", "severity_number") {
            record.severityNumber = try severityNumber(severity, at: at + ".severityNumber")
        }
        record.severityText = try string(object, "severityText", "severity_text", at: at) ?? ""
        if let body = member(object, "body", "body") { record.body = try anyValue(body, at: at + ".body", depth: 0) }
        record.attributes = try attributes(object, at: at)
        record.droppedAttributesCount = try uint32(object, "droppedAttributesCount", "dropped_attributes_count", at: at)
        record.flags = try uint32(object, "flags", "flags", at: at)
        record.traceID = try hexID(object, "traceId", "trace_id", bytes: 16, at: at)
        record.spanID = try hexID(object, "spanId", "span_id", bytes: 8, at: at)
        record.eventName = try string(object, "eventName", "event_name", at: at) ?? ""
        return record
    }

    private static func attributes(_ object: JSONObject, at: String) throws(Failure) -> [Opentelemetry_Proto_Common_V1_KeyValue] {
        try keyValues(array(object, "attributes", "attributes", at: at), at: at + ".attributes", depth: 0)
    }

    private static func keyValues(_ values: [JSONValue], at: String, depth: Int) throws(Failure) -> [Opentelemetry_Proto_Common_V1_KeyValue] {
        var result: [Opentelemetry_Proto_Common_V1_KeyValue] = []
        result.reserveCapacity(values.count)
        for (i, value) in values.enumerated() {
            guard case .object(let object) = value, let key = try string(object, "key", "key", at: "\(at)[\(i)]") else {
                throw Failure(message: "\(at)[\(i)] must be an object with a string key")
            }
            var keyValue = Opentelemetry_Proto_Common_V1_KeyValue()
            keyValue.key = key
            if let value = member(object, "value", "value") {
                keyValue.value = try anyValue(value, at: "\(at)[\(i)].value", depth: depth + 1)
            }
            result.append(keyValue)
        }
        return result
    }

    /// An AnyValue: `{"stringValue": …}`, `{"intValue": "42"}`, `{"kvlistValue": {"values": […]}}`, …
    /// `{}` is the empty value.
    private static func anyValue(_ value: JSONValue, at: String, depth: Int) throws(Failure) -> Opentelemetry_Proto_Common_V1_AnyValue {
        guard depth < 32 else { throw Failure(message: "\(at) is nested more than 32 levels deep") }
        guard case .object(let object) = value else { throw Failure(message: "\(at) must be an AnyValue object such as {\"stringValue\": \"…\"}") }
        var result = Opentelemetry_Proto_Common_V1_AnyValue()
        if let text = member(object, "stringValue", "string_value") {
            guard case .string(let s) = text else { throw Failure(message: "\(at).stringValue must be a string") }
            result.stringValue = s
        } else if let flag = member(object, "boolValue", "bool_value") {
            guard case .bool(let b) = flag else { throw Failure(message: "\(at).boolValue must be true or false") }
            result.boolValue = b
        } else if let number = member(object, "intValue", "int_value") {
            guard let n = int64(number) else { throw Failure(message: "\(at).intValue must be a 64-bit integer (a number or a decimal string)") }
            result.intValue = n
        } else if let number = member(object, "doubleValue", "double_value") {
            guard let d = double(number) else { throw Failure(message: "\(at).doubleValue must be a number") }
            result.doubleValue = d
        } else if let list = member(object, "arrayValue", "array_value") {
            guard case .object(let listObject) = list else { throw Failure(message: "\(at).arrayValue must be an object with values") }
            var array = Opentelemetry_Proto_Common_V1_ArrayValue()
            for (i, element) in try self.array(listObject, "values", "values", at: at + ".arrayValue").enumerated() {
                array.values.append(try anyValue(element, at: "\(at).arrayValue.values[\(i)]", depth: depth + 1))
            }
            result.arrayValue = array
        } else if let list = member(object, "kvlistValue", "kvlist_value") {
            guard case .object(let listObject) = list else { throw Failure(message: "\(at).kvlistValue must be an object with values") }
            var kvlist = Opentelemetry_Proto_Common_V1_KeyValueList()
            kvlist.values = try keyValues(array(listObject, "values", "values", at: at + ".kvlistValue"),
                                          at: at + ".kvlistValue.values", depth: depth + 1)
            result.kvlistValue = kvlist
        } else if let bytes = member(object, "bytesValue", "bytes_value") {
            guard case .string(let text) = bytes, let data = Data(base64Encoded: text) else {
                throw Failure(message: "\(at).bytesValue must be base64")
            }
            result.bytesValue = data
        }
        return result
    }

    private static func severityNumber(_ value: JSONValue, at: String) throws(Failure) -> Opentelemetry_Proto_Logs_V1_SeverityNumber {
        if let n = int64(value), (0...24).contains(n) { return Opentelemetry_Proto_Logs_V1_SeverityNumber(rawValue: Int(n)) ?? .unspecified }
        throw Failure(message: "\(at) must be an integer from 0 to 24")
    }

    // MARK: Scalars

    /// The member under its lowerCamelCase name, else its snake_case one; `null` counts as absent.
    private static func member(_ object: JSONObject, _ camel: String, _ snake: String) -> JSONValue? {
        if let value = object[camel], value != .null { return value }
        if camel != snake, let value = object[snake], value != .null { return value }
        return nil
    }

    private static func array(_ object: JSONObject, _ camel: String, _ snake: String, at: String) throws(Failure) -> [JSONValue] {
        guard let value = member(object, camel, snake) else { return [] }
        guard case .array(let elements) = value else { throw Failure(message: "\(at.isEmpty ? "" : at + ".")\(camel) must be an array") }
        return elements
    }

    private static func string(_ object: JSONObject, _ camel: String, _ snake: String, at: String) throws(Failure) -> String? {
        guard let value = member(object, camel, snake) else { return nil }
        guard case .string(let text) = value else { throw Failure(message: "\(at).\(camel) must be a string") }
        return text
    }

    private static func uint64(_ object: JSONObject, _ camel: String, _ snake: String, at: String) throws(Failure) -> UInt64 {
        guard let value = member(object, camel, snake) else { return 0 }
        switch value {
        case .int(let n) where n >= 0: return UInt64(n)
        case .string(let text): if let n = UInt64(text) { return n }
        default: break
        }
        throw Failure(message: "\(at).\(camel) must be an unsigned 64-bit integer (a number or a decimal string)")
    }

    private static func uint32(_ object: JSONObject, _ camel: String, _ snake: String, at: String) throws(Failure) -> UInt32 {
        let wide = try uint64(object, camel, snake, at: at)
        guard let narrow = UInt32(exactly: wide) else { throw Failure(message: "\(at).\(camel) is over 2^32-1") }
        return narrow
    }

    private static func int64(_ value: JSONValue) -> Int64? {
        switch value {
        case .int(let n): n
        case .string(let text): Int64(text)
        case .double(let d) where d.rounded() == d && abs(d) < 9.2e18: Int64(d)
        default: nil
        }
    }

    private static func double(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let n): Double(n)
        case .double(let d): d
        case .string("NaN"): .nan
        case .string("Infinity"): .infinity
        case .string("-Infinity"): -.infinity
        case .string(let text): Double(text)
        default: nil
        }
    }

    /// A trace or span id: hex in OTLP/JSON (either case), empty for none.
    private static func hexID(_ object: JSONObject, _ camel: String, _ snake: String, bytes: Int, at: String) throws(Failure) -> Data {
        guard let text = try string(object, camel, snake, at: at), !text.isEmpty else { return Data() }
        guard text.utf8.count == bytes * 2, let data = OTLPHex.decode(text) else {
            throw Failure(message: "\(at).\(camel) must be \(bytes * 2) hex digits (OTLP/JSON ids are hex, not base64)")
        }
        return data
    }
}
