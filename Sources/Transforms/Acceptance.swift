import LogModel

/// Which JSON values count as "found" for a key. A key whose value is not accepted is not a
/// match: the next alias is tried and the member is kept as a label/attribute instead.
enum Acceptance {
    /// A non-empty string, a number or a boolean (read as text).
    case scalar
    /// A string or a number (a time or a level; garbage is still a match, kept as the original).
    case stringOrNumber
    /// Anything but null (a message: non-strings are serialised).
    case anyValue
    /// Anything but null or an object (`event` is the structlog message only when it is not the
    /// ECS `event` object).
    case notObject
    /// A string or an array of strings (a stack trace).
    case stack
    /// A stack, or an object with `type`, `message`, `stack_trace` or `traceback` (`exception`).
    case stackOrObject

    func accepts(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (_, .null): return false
        case (.scalar, .string(let s)): return !s.isEmpty
        case (.scalar, .int), (.scalar, .double), (.scalar, .bool): return true
        case (.scalar, _): return false
        case (.stringOrNumber, .string(let s)): return !s.isEmpty
        case (.stringOrNumber, .int), (.stringOrNumber, .double): return true
        case (.stringOrNumber, _): return false
        case (.anyValue, _): return true
        case (.notObject, .object): return false
        case (.notObject, _): return true
        case (.stack, .string(let s)), (.stackOrObject, .string(let s)): return !s.isEmpty
        case (.stack, .array(let a)), (.stackOrObject, .array(let a)): return !a.isEmpty && a.allSatisfy { $0.stringValue != nil }
        case (.stackOrObject, .object(let o)):
            return o["type"] != nil || o["message"] != nil || o["stack_trace"] != nil || o["traceback"] != nil
        case (.stack, _), (.stackOrObject, _): return false
        }
    }
}
