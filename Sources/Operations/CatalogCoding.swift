public import LogModel

/// The catalog as JSON: what `GET /api/v1/operations/catalog` serves and what the configuration's
/// `operations.catalog` list is read from (same keys both ways).
public enum CatalogCoding {
    public static func encode(_ catalog: [OperationDefinition]) -> JSONValue {
        .array(catalog.map(encode))
    }

    public static func encode(_ operation: OperationDefinition) -> JSONValue {
        var object: JSONObject = [
            "name": .string(operation.name), "title": .string(operation.title), "description": .string(operation.description),
            "method": .string(operation.method.rawValue), "path": .string(operation.path), "permission": .string(operation.permission),
            "approval": encode(operation.approval), "confirmation": .string(operation.confirmation),
        ]
        object.append("parameters", .array(operation.parameters.map(encode)))
        return .object(object)
    }

    static func encode(_ policy: ApprovalPolicy) -> JSONValue {
        switch policy {
        case .never: return ["kind": "never"]
        case .always: return ["kind": "always"]
        case .above(let threshold): return ["kind": "above", "amount": .string(threshold.amount.description), "currency": .string(threshold.currency.code)]
        }
    }

    static func encode(_ p: ParameterSpec) -> JSONValue {
        var object: JSONObject = ["name": .string(p.name), "type": .string(p.kind.rawValue), "in": .string(p.location.rawValue),
                                  "required": .bool(p.required), "description": .string(p.description)]
        if let v = p.minimum { object.append("minimum", .string(v)) }
        if let v = p.maximum { object.append("maximum", .string(v)) }
        if let v = p.minLength { object.append("min_length", .int(Int64(v))) }
        if let v = p.maxLength { object.append("max_length", .int(Int64(v))) }
        if let v = p.pattern { object.append("pattern", .string(v)) }
        if !p.values.isEmpty { object.append("values", .array(p.values.map(JSONValue.string))) }
        if p.kind == .money {
            object.append("signed", .bool(p.signed))
            object.append("currency_parameter", p.currencyParameter.map(JSONValue.string) ?? .null)
        }
        return .object(object)
    }

    /// Reads a configured catalog; problems carry their paths under `root`.
    public static func decode(_ value: JSONValue, root: String = "operations.catalog") -> ([OperationDefinition], [CatalogProblem]) {
        guard let items = value.arrayValue else { return ([], [CatalogProblem(root, "must be a list of operations")]) }
        var problems: [CatalogProblem] = []
        var catalog: [OperationDefinition] = []
        for (index, item) in items.enumerated() {
            var reader = Reader(path: "\(root)[\(index)]", value: item)
            let method = reader.string("method", default: "POST").uppercased()
            let approval = decodeApproval(item["approval"], path: "\(reader.path).approval", problems: &reader.problems)
            var parameters: [ParameterSpec] = []
            for (n, p) in (item["parameters"]?.arrayValue ?? []).enumerated() {
                var r = Reader(path: "\(reader.path).parameters[\(n)]", value: p)
                let kindText = r.string("type", default: "string")
                let locationText = r.string("in", default: "body")
                let kind = ParameterSpec.Kind(rawValue: kindText)
                let location = ParameterSpec.Location(rawValue: locationText)
                if kind == nil { r.fail("type", "'\(kindText)' is not one of \(ParameterSpec.Kind.allCases.map(\.rawValue).joined(separator: ", "))") }
                if location == nil { r.fail("in", "'\(locationText)' is not one of \(ParameterSpec.Location.allCases.map(\.rawValue).joined(separator: ", "))") }
                parameters.append(ParameterSpec(
                    name: r.string("name", default: ""), kind: kind ?? .string, location: location ?? .body,
                    required: r.bool("required", default: true), description: r.string("description", default: ""),
                    minimum: r.optionalString("minimum"), maximum: r.optionalString("maximum"), minLength: r.int("min_length"),
                    maxLength: r.int("max_length"), pattern: r.optionalString("pattern"), values: r.strings("values"),
                    signed: r.bool("signed", default: false),
                    currencyParameter: r.optionalString("currency_parameter") ?? (kind == .money ? "currency" : nil)))
                problems += r.problems
            }
            if item["parameters"] != nil, item["parameters"]?.arrayValue == nil { reader.fail("parameters", "must be a list") }
            let parsedMethod = OperationDefinition.Method(rawValue: method)
            if parsedMethod == nil { reader.fail("method", "'\(method)' must be GET or POST") }
            catalog.append(OperationDefinition(
                name: reader.string("name", default: ""), title: reader.string("title", default: ""),
                description: reader.string("description", default: ""), method: parsedMethod ?? .post, path: reader.string("path", default: ""),
                parameters: parameters, permission: reader.string("permission", default: "operations.run"), approval: approval,
                confirmation: reader.string("confirmation", default: "")))
            problems += reader.problems
        }
        return (catalog, problems)
    }

    static func decodeApproval(_ value: JSONValue?, path: String, problems: inout [CatalogProblem]) -> ApprovalPolicy {
        guard let value else { return .never }
        if let word = value.stringValue {
            switch word {
            case "never": return .never
            case "always": return .always
            default:
                problems.append(CatalogProblem(path, "'\(word)' must be never, always or {kind: above, amount, currency}"))
                return .never
            }
        }
        switch value["kind"]?.stringValue {
        case "never"?: return .never
        case "always"?: return .always
        case "above"?:
            switch Money.parse(amount: value["amount"]?.stringValue ?? value["amount"]?.scalarText ?? "",
                               currency: value["currency"]?.stringValue ?? "RUB") {
            case .success(let money): return .above(money)
            case .failure(let error):
                problems.append(CatalogProblem("\(path).amount", error.description))
                return .always
            }
        default:
            problems.append(CatalogProblem("\(path).kind", "must be never, always or above"))
            return .never
        }
    }

    /// Reads typed members of one mapping, collecting problems with their paths.
    struct Reader {
        let path: String
        let value: JSONValue
        var problems: [CatalogProblem] = []

        init(path: String, value: JSONValue) {
            self.path = path
            self.value = value
            if value.objectValue == nil { problems.append(CatalogProblem(path, "must be a mapping")) }
        }

        mutating func fail(_ key: String, _ message: String) { problems.append(CatalogProblem("\(path).\(key)", message)) }

        mutating func optionalString(_ key: String) -> String? {
            guard let v = value[key], v != .null else { return nil }
            if let s = v.stringValue { return s }
            if let s = v.scalarText { return s }
            fail(key, "must be text")
            return nil
        }

        mutating func string(_ key: String, default fallback: String) -> String { optionalString(key) ?? fallback }

        mutating func bool(_ key: String, default fallback: Bool) -> Bool {
            guard let v = value[key], v != .null else { return fallback }
            switch v {
            case .bool(let b): return b
            case .string("true"): return true
            case .string("false"): return false
            default:
                fail(key, "must be true or false")
                return fallback
            }
        }

        mutating func int(_ key: String) -> Int? {
            guard let v = value[key], v != .null else { return nil }
            if let n = v.int64Value { return Int(n) }
            if let s = v.stringValue, let n = Int(s) { return n }
            fail(key, "must be a whole number")
            return nil
        }

        mutating func strings(_ key: String) -> [String] {
            guard let v = value[key], v != .null else { return [] }
            guard let items = v.arrayValue else {
                fail(key, "must be a list")
                return []
            }
            return items.map { $0.stringValue ?? $0.scalarText ?? "" }
        }
    }
}
