public import LogModel
import NIOCore
import Transforms

/// A GELF 1.1 message (Graylog's format) turned into an event of the hub's ingest contract, which the
/// intake then normalises like any other:
///
/// - `short_message` → `message`; `full_message` → `error.stack_trace` when it holds a Python
///   traceback (graypy puts the traceback there), else kept as `full_message`;
/// - `level` (syslog severity 0–7) → `syslog_severity`, which the contract reads as syslog's scale
///   only; `timestamp` (seconds, with a fraction) → `@timestamp`; `host` → `host.name`;
/// - additional fields `_name` → `name` without the underscore (graypy's `_logger` is the logger,
///   `_pid`, `_thread_name`, … become labels); `_id` is reserved by GELF and dropped;
/// - a message without `short_message` is refused, as Graylog refuses it.
public enum GELFMessage {
    public static func event(from payload: ByteBuffer, maxBytes: Int) -> Result<JSONObject, EventError> {
        guard payload.readableBytes <= maxBytes else { return .failure(.tooLarge(bytes: payload.readableBytes, limit: maxBytes)) }
        let parsed: Result<JSONValue, JSONParseError> = payload.withUnsafeReadableBytes { bytes in
            do throws(JSONParseError) { return .success(try JSONParser.parse(bytes)) } catch { return .failure(error) }
        }
        let value: JSONValue
        switch parsed {
        case .success(let parsedValue): value = parsedValue
        case .failure(let error): return .failure(EventError(error))
        }
        guard case .object(let object) = value else { return .failure(.notObject(value)) }
        return event(from: object)
    }

    public static func event(from gelf: JSONObject) -> Result<JSONObject, EventError> {
        guard let short = gelf["short_message"], short != .null, short != .string("") else {
            return .failure(EventError(code: "invalid_gelf", message: "a GELF message needs a non-empty short_message"))
        }
        var event = JSONObject(minimumCapacity: gelf.count + 2)
        event.append("message", short)
        for member in gelf {
            switch member.key {
            case "short_message", "version", "_id":
                continue
            case "full_message":
                let isTraceback = member.value.stringValue?.contains("Traceback (most recent call last):") == true
                event.append(isTraceback ? "error.stack_trace" : "full_message", member.value)
            case "level":
                event.append("syslog_severity", member.value)
            case "host":
                event.append("host.name", member.value)
            case "timestamp":
                event.append("@timestamp", member.value)
            case "_logger", "_logger_name":
                event.append("log.logger", member.value)
            default:
                let key = member.key.hasPrefix("_") ? String(member.key.dropFirst()) : member.key
                event.append(key.isEmpty ? "_" : key, member.value)
            }
        }
        return .success(event)
    }

    /// The event as one NDJSON line for the intake.
    public static func line(_ event: JSONObject) -> [UInt8] {
        JSONValue.object(event).serialized() + [UInt8(ascii: "\n")]
    }
}
