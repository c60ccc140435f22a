import Foundation
import LogModel
import OTLPProto

/// OpenTelemetry's AnyValue as the hub's JSON: scalars as themselves, bytes as base64, arrays as
/// arrays, key-value lists as objects (a repeated key: the last one wins, as in a map).
enum OTLPAnyValue {
    typealias AnyValue = Opentelemetry_Proto_Common_V1_AnyValue
    typealias KeyValue = Opentelemetry_Proto_Common_V1_KeyValue

    static func json(_ value: AnyValue) -> JSONValue {
        switch value.value {
        case nil: .null
        case .stringValue(let s): .string(s)
        case .boolValue(let b): .bool(b)
        case .intValue(let n): .int(n)
        case .doubleValue(let d): d.isFinite ? .double(d) : .string("\(d)")
        case .bytesValue(let data): .string(data.base64EncodedString())
        case .arrayValue(let array): .array(array.values.map(json))
        case .kvlistValue(let list): .object(object(list.values))
        // A reference into a profiles dictionary, which a logs request does not carry.
        case .stringValueStrindex: .null
        }
    }

    static func object(_ keyValues: [KeyValue]) -> JSONObject {
        var object = JSONObject(minimumCapacity: keyValues.count)
        for keyValue in keyValues { object[keyValue.key] = json(keyValue.value) }
        return object
    }

    /// Attributes as flat dotted keys: `{"http": {"method": "GET"}}` (a nested key-value list)
    /// becomes `http.method`, the way semantic conventions name attributes anyway. Arrays stay
    /// arrays. Empty values are left out.
    static func flattened(_ keyValues: [KeyValue], prefix: String = "", into out: inout [(key: String, value: JSONValue)], depth: Int = 0) {
        for keyValue in keyValues {
            let key = prefix.isEmpty ? keyValue.key : prefix + "." + keyValue.key
            if case .kvlistValue(let list)? = keyValue.value.value, depth < 8, !list.values.isEmpty {
                flattened(list.values, prefix: key, into: &out, depth: depth + 1)
                continue
            }
            let value = json(keyValue.value)
            if value != .null { out.append((key, value)) }
        }
    }
}
