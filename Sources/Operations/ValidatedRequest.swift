import Foundation
public import LogModel

/// An operation request whose parameters passed the catalog's checks, normalised (amounts with the
/// currency's decimals, as strings), ready to become CORE's request and to be stored.
public struct ValidatedRequest: Sendable, Equatable {
    public let operation: OperationDefinition
    /// Parameter values in catalog order; absent optional parameters are left out.
    public let parameters: JSONObject
    /// The money parameter with its currency, when the operation has one.
    public let money: Money?

    /// Validates `given` against `operation`; every problem at once.
    public static func validate(_ operation: OperationDefinition, _ given: JSONObject) -> Result<ValidatedRequest, ParameterProblems> {
        var problems: [ParameterProblem] = []
        for key in given.keys where operation.parameter(key) == nil {
            problems.append(ParameterProblem(key, "unknown_parameter", "'\(operation.name)' has no parameter '\(key)'"))
        }
        var values = JSONObject()
        var money: Money?
        for spec in operation.parameters {
            let value = given[spec.name]
            if value == nil || value == .null || value == .string("") {
                if spec.required { problems.append(ParameterProblem(spec.name, "missing_parameter", "is required")) }
                continue
            }
            switch check(spec, value!, all: given) {
            case .success(let normalised):
                values.append(spec.name, normalised.value)
                if let m = normalised.money, money == nil { money = m }
            case .failure(let problem):
                problems.append(problem)
            }
        }
        guard problems.isEmpty else { return .failure(ParameterProblems(problems)) }
        return .success(ValidatedRequest(operation: operation, parameters: values, money: money))
    }

    private struct Normalised { var value: JSONValue; var money: Money? }

    private static func check(_ spec: ParameterSpec, _ value: JSONValue, all: JSONObject) -> Result<Normalised, ParameterProblem> {
        func problem(_ code: String, _ message: String) -> Result<Normalised, ParameterProblem> {
            .failure(ParameterProblem(spec.name, code, message))
        }
        switch spec.kind {
        case .string:
            guard let text = value.stringValue else { return problem("invalid_type", "must be a string") }
            if let low = spec.minLength, text.count < low { return problem("too_short", "must be at least \(low) characters") }
            if let high = spec.maxLength, text.count > high { return problem("too_long", "must be at most \(high) characters") }
            if let pattern = spec.pattern {
                guard let regex = try? Regex(pattern), (try? regex.wholeMatch(in: text)) != nil else {
                    return problem("invalid_format", "'\(text)' does not match \(pattern)")
                }
            }
            return .success(Normalised(value: .string(text)))
        case .integer:
            let number: Int64?
            switch value {
            case .int(let n): number = n
            case .string(let s): number = Int64(s)
            default: number = nil
            }
            guard let n = number else { return problem("invalid_type", "must be a whole number") }
            if let low = spec.minimum.flatMap({ Int64($0) }), n < low { return problem("out_of_range", "must be at least \(low)") }
            if let high = spec.maximum.flatMap({ Int64($0) }), n > high { return problem("out_of_range", "must be at most \(high)") }
            return .success(Normalised(value: .int(n)))
        case .boolean:
            switch value {
            case .bool(let b): return .success(Normalised(value: .bool(b)))
            case .string("true"): return .success(Normalised(value: .bool(true)))
            case .string("false"): return .success(Normalised(value: .bool(false)))
            default: return problem("invalid_type", "must be true or false")
            }
        case .enumeration:
            guard let text = value.stringValue, spec.values.contains(text) else {
                return problem("invalid_value", "must be one of \(spec.values.joined(separator: ", "))")
            }
            return .success(Normalised(value: .string(text)))
        case .currency:
            guard let code = value.stringValue, Currency(code: code) != nil else {
                return problem("unknown_currency", MoneyError.unknownCurrency(value.stringValue ?? value.scalarText ?? "").description)
            }
            return .success(Normalised(value: .string(code)))
        case .object:
            guard case .object = value else { return problem("invalid_type", "must be a JSON object") }
            return .success(Normalised(value: value))
        case .money:
            // Amounts travel as strings: a JSON number may already have lost digits in the sender's float.
            guard let text = value.stringValue else {
                return problem("invalid_type", "must be a decimal string like \"100.00\", not a JSON number")
            }
            let code = spec.currencyParameter.flatMap { all[$0]?.stringValue } ?? ""
            switch Money.parse(amount: text, currency: code, allowNegative: spec.signed) {
            case .failure(let error):
                // An unknown currency is reported on the currency parameter itself.
                if case .unknownCurrency = error { return problem("invalid_amount", "cannot be checked without a valid currency") }
                return problem(error.code, error.description)
            case .success(let money):
                if let low = spec.minimum.flatMap(DecimalNumber.init), money.amount.magnitude < low {
                    return problem("out_of_range", "must be at least \(low)")
                }
                if let high = spec.maximum.flatMap(DecimalNumber.init), money.amount.magnitude > high {
                    return problem("out_of_range", "must be at most \(high) \(money.currency.code)")
                }
                return .success(Normalised(value: .string(money.amount.description), money: money))
            }
        }
    }

    /// The confirmation text with the values filled in: exactly what will be sent.
    public var confirmation: String {
        var text = operation.confirmation
        for member in parameters {
            let shown = member.value.stringValue ?? member.value.jsonString
            text = text.replacingOccurrences(of: "{\(member.key)}", with: shown)
        }
        return text
    }

    /// The shop this request concerns (for the per-shop history), when it names one.
    public var shopID: String? { parameters["shop_id"]?.stringValue }

    /// CORE's request: method, path with the values percent-encoded, query and JSON body.
    public var coreRequest: CoreRequestPlan {
        var path = operation.path
        var query: [(String, String)] = []
        var body = JSONObject()
        var wholeBody: JSONValue?
        for member in parameters {
            guard let spec = operation.parameter(member.key) else { continue }
            let text = member.value.stringValue ?? member.value.scalarText ?? member.value.jsonString
            switch spec.location {
            case .path: path = path.replacingOccurrences(of: "{\(member.key)}", with: CoreRequestPlan.percentEncoded(text))
            case .query: query.append((member.key, text))
            case .body: body.append(member.key, member.value)
            case .wholeBody: wholeBody = member.value
            }
        }
        if !query.isEmpty {
            path += "?" + query.map { "\($0.0)=\(CoreRequestPlan.percentEncoded($0.1))" }.joined(separator: "&")
        }
        // Spelled out: `JSONValue` is nil-literal-expressible, so a bare `nil` here would become JSON null.
        let sent: JSONValue? = operation.method == .post ? (wholeBody ?? .object(body)) : Optional<JSONValue>.none
        return CoreRequestPlan(method: operation.method.rawValue, pathAndQuery: path, body: sent)
    }
}

/// What the hub sends to CORE for one request.
public struct CoreRequestPlan: Sendable, Equatable {
    public let method: String
    public let pathAndQuery: String
    public let body: JSONValue?

    /// RFC 3986 unreserved characters stay; everything else is %XX (UTF-8).
    public static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(UnicodeScalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "-._~".contains(c) { out.append(c) } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
