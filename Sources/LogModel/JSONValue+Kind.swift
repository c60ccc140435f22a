extension JSONValue {
    /// "a string", "an array", "null", ... for error messages that must not echo the value itself
    /// (it may hold a secret).
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The text a scalar stands for: strings as they are, numbers as their JSON text, booleans
    /// as `true`/`false`; `nil` for null, arrays and objects. Used where the stored document
    /// wants a string (ids, labels) but senders write numbers.
    public var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .int(let i): return DecimalText.of(i)
        case .double(let d): return d.isFinite ? d.description : "null"  // the JSON text of a double
        case .bool(let b): return b ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }
}
