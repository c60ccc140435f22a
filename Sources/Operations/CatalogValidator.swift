/// Checks a catalog once, at start-up: every problem at once, each with its path. A hub with a bad
/// catalog does not start (the operations it would offer could not be sent correctly).
public struct CatalogValidator: Sendable {
    /// Permissions an operation may ask for (the identity area's names).
    public let knownPermissions: Set<String>

    public init(knownPermissions: Set<String> = ["operations.run", "operations.approve"]) {
        self.knownPermissions = knownPermissions
    }

    public func problems(_ catalog: [OperationDefinition], root: String = "operations.catalog") -> [CatalogProblem] {
        var problems: [CatalogProblem] = []
        if catalog.isEmpty { problems.append(CatalogProblem(root, "the catalog is empty")) }
        var seen: Set<String> = []
        for (index, operation) in catalog.enumerated() {
            let at = "\(root)[\(index)]"
            if !seen.insert(operation.name).inserted { problems.append(CatalogProblem("\(at).name", "'\(operation.name)' is listed twice")) }
            problems += check(operation, at: at)
        }
        return problems
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLowercase, text.count <= 64 else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }

    /// `{a}` names in a template, in order.
    public static func placeholders(_ template: String) -> [String] {
        var names: [String] = []
        var current: String?
        for character in template {
            if character == "{" { current = "" } else if character == "}", let name = current {
                names.append(name)
                current = nil
            } else if current != nil { current?.append(character) }
        }
        return names
    }

    func check(_ operation: OperationDefinition, at: String) -> [CatalogProblem] {
        var problems: [CatalogProblem] = []
        func fail(_ key: String, _ message: String) { problems.append(CatalogProblem("\(at).\(key)", message)) }
        if !Self.isIdentifier(operation.name) { fail("name", "'\(operation.name)' must be lower case letters, digits and _ (at most 64), starting with a letter") }
        if operation.title.isEmpty { fail("title", "must not be empty") }
        if !knownPermissions.contains(operation.permission) {
            fail("permission", "'\(operation.permission)' is not one of \(knownPermissions.sorted().joined(separator: ", "))")
        }
        if !operation.path.hasPrefix("/") || operation.path.contains("?") || operation.path.contains("..") {
            fail("path", "'\(operation.path)' must be an absolute path without a query or '..'")
        }
        var names: Set<String> = []
        for (index, parameter) in operation.parameters.enumerated() {
            let key = "parameters[\(index)]"
            if !names.insert(parameter.name).inserted { fail("\(key).name", "'\(parameter.name)' is listed twice") }
            problems += check(parameter, in: operation, at: "\(at).\(key)")
        }
        let inPath = Self.placeholders(operation.path)
        for name in inPath {
            if operation.parameter(name)?.location != .path { fail("path", "'{\(name)}' does not name a parameter whose location is 'path'") }
        }
        for parameter in operation.parameters where parameter.location == .path && !inPath.contains(parameter.name) {
            fail("path", "the path parameter '\(parameter.name)' does not appear in '\(operation.path)'")
        }
        let wholeBodies = operation.parameters.filter { $0.location == .wholeBody }
        if wholeBodies.count > 1 || (!wholeBodies.isEmpty && operation.parameters.contains { $0.location == .body }) {
            fail("parameters", "a 'whole_body' parameter must be the only body parameter")
        }
        if operation.method == .get, operation.parameters.contains(where: { $0.location == .body || $0.location == .wholeBody }) {
            fail("method", "a GET operation cannot have body parameters")
        }
        if operation.method == .get, operation.approval != .never {
            fail("approval", "a look-up (GET) changes nothing and cannot need approval")
        }
        if case .above = operation.approval, operation.moneyParameter == nil {
            fail("approval", "an 'above' threshold needs a money parameter to compare")
        }
        for name in Self.placeholders(operation.confirmation) where operation.parameter(name) == nil {
            fail("confirmation", "'{\(name)}' does not name a parameter")
        }
        return problems
    }

    func check(_ parameter: ParameterSpec, in operation: OperationDefinition, at: String) -> [CatalogProblem] {
        var problems: [CatalogProblem] = []
        func fail(_ key: String, _ message: String) { problems.append(CatalogProblem("\(at).\(key)", message)) }
        if !Self.isIdentifier(parameter.name) { fail("name", "'\(parameter.name)' must be lower case letters, digits and _, starting with a letter") }
        switch parameter.kind {
        case .integer:
            let low = parameter.minimum.map { Int64($0) }, high = parameter.maximum.map { Int64($0) }
            if case .some(nil) = low { fail("minimum", "'\(parameter.minimum ?? "")' is not a whole number") }
            if case .some(nil) = high { fail("maximum", "'\(parameter.maximum ?? "")' is not a whole number") }
            if let l = low ?? nil, let h = high ?? nil, l > h { fail("minimum", "is above the maximum") }
        case .money:
            let low = parameter.minimum.map { DecimalNumber($0) }, high = parameter.maximum.map { DecimalNumber($0) }
            if case .some(nil) = low { fail("minimum", "'\(parameter.minimum ?? "")' is not a decimal amount") }
            if case .some(nil) = high { fail("maximum", "'\(parameter.maximum ?? "")' is not a decimal amount") }
            if let l = low ?? nil, let h = high ?? nil, l > h { fail("minimum", "is above the maximum") }
            if let currency = parameter.currencyParameter {
                if operation.parameter(currency)?.kind != .currency { fail("currency_parameter", "'\(currency)' is not a parameter of type currency") }
            } else {
                fail("currency_parameter", "a money parameter must name its currency parameter")
            }
            if parameter.location != .body { fail("location", "money goes in the body") }
        case .string:
            if let low = parameter.minLength, let high = parameter.maxLength, low > high { fail("min_length", "is above max_length") }
            if let pattern = parameter.pattern, (try? Regex(pattern)) == nil { fail("pattern", "'\(pattern)' is not a valid regular expression") }
        case .enumeration:
            if parameter.values.isEmpty { fail("values", "an enum needs at least one value") }
            if Set(parameter.values).count != parameter.values.count { fail("values", "lists a value twice") }
        case .object:
            if parameter.location == .path || parameter.location == .query { fail("location", "an object goes in the body") }
        case .currency, .boolean:
            break
        }
        if parameter.location == .wholeBody, parameter.kind != .object { fail("location", "only an object can be the whole body") }
        if parameter.location == .path, !parameter.required { fail("required", "a path parameter must be required") }
        if parameter.location == .path, ![.string, .integer, .enumeration].contains(parameter.kind) {
            fail("kind", "a path parameter must be a string, integer or enum")
        }
        return problems
    }
}
