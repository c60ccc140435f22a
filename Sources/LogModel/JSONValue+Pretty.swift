extension JSONValue {
    /// Indented JSON text for people (pages, the CLI): members in their stored order, two spaces a
    /// level. Scalars are written exactly as `serialized()` writes them.
    public func prettyText(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1), closing = String(repeating: "  ", count: indent)
        switch self {
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            return "[\n" + items.map { pad + $0.prettyText(indent: indent + 1) }.joined(separator: ",\n") + "\n" + closing + "]"
        case .object(let object):
            guard !object.keys.isEmpty else { return "{}" }
            return "{\n" + object.map { member in
                pad + JSONValue.string(member.key).jsonString + ": " + member.value.prettyText(indent: indent + 1)
            }.joined(separator: ",\n") + "\n" + closing + "}"
        default:
            return jsonString
        }
    }
}
