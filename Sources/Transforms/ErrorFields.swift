import LogModel

/// `error.type`, `error.message` and `error.stack_trace` gathered from the several ways services
/// report an exception.
struct ErrorFields {
    var type: String?
    var message: String?
    var stackTrace: String?

    /// Takes the winning stack value (a string, a list of lines, or an `exception` object) and
    /// returns what an `exception` object held besides type, message and stack.
    mutating func take(stack value: JSONValue) -> JSONValue? {
        switch value {
        case .string(let text):
            stackTrace = text
        case .array(let lines):
            stackTrace = Self.join(lines)
        case .object(let object):
            var rest = JSONObject()
            for member in object {
                switch member.key {
                case "type" where member.value.scalarText != nil:
                    if type == nil { type = member.value.scalarText }
                case "message" where member.value.scalarText != nil:
                    if message == nil { message = member.value.scalarText }
                case "stack_trace", "traceback":
                    if stackTrace == nil, let text = member.value.stringValue ?? member.value.arrayValue.map(Self.join) {
                        stackTrace = text
                    } else {
                        rest.append(member.key, member.value)
                    }
                default:
                    rest.append(member.key, member.value)
                }
            }
            return rest.isEmpty ? nil : .object(rest)
        default:
            break
        }
        return nil
    }

    /// Fills type and message from a Python traceback, then masks card numbers and passwords
    /// in all three; returns how many were masked.
    mutating func complete() -> Int {
        if let stackTrace, type == nil || message == nil, let parsed = PythonTraceback.exception(in: stackTrace) {
            if type == nil { type = parsed.type }
            if message == nil { message = parsed.message }
        }
        var masked = 0
        func redact(_ field: inout String?) {
            guard let text = field, let (result, count) = StringValueRedaction.redact(text) else { return }
            field = result
            masked += count
        }
        redact(&type)
        redact(&message)
        redact(&stackTrace)
        return masked
    }

    /// Python's `format_exception` lines end in "\n" and are concatenated; other lists are lines.
    private static func join(_ lines: [JSONValue]) -> String {
        let strings = lines.compactMap(\.stringValue)
        return strings.allSatisfy { $0.hasSuffix("\n") } ? strings.joined() : strings.joined(separator: "\n")
    }
}
