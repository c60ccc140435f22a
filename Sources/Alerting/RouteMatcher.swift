import Foundation
public import LogModel

/// One simple matcher of a route, until the search language exists: `service=billing`,
/// `environment!=staging`, `level>=error`, `labels.shop_id=42` (Alertmanager's `name=value` form,
/// plus `>=` for levels).
public struct RouteMatcher: Sendable, Equatable, CustomStringConvertible {
    public enum Operation: String, Sendable, Equatable { case equal = "=", notEqual = "!=", atLeast = ">=" }

    public let field: String
    public let operation: Operation
    public let value: String
    /// Set when `operation` is `atLeast`.
    let level: Level?

    public var description: String { "\(field)\(operation.rawValue)\(value)" }

    /// Parses `field<op>value`; a message naming what is wrong otherwise.
    public static func parse(_ text: String) -> Result<RouteMatcher, MatcherError> {
        let t = text.trimmingCharactersInSpaces()
        for operation in [Operation.notEqual, .atLeast, .equal] {
            guard let range = t.range(of: operation.rawValue) else { continue }
            let field = String(t[..<range.lowerBound]).trimmingCharactersInSpaces()
            var value = String(t[range.upperBound...]).trimmingCharactersInSpaces()
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = String(value.dropFirst().dropLast()) }
            guard Self.isKnownField(field) else { return .failure(MatcherError("unknown field '\(field)' (use service, environment, logger, level, error.type, host or labels.<name>)")) }
            if operation == .atLeast {
                guard field == "level" || field == "log.level" else { return .failure(MatcherError("'>=' works only with level")) }
                guard let level = Level(parsing: value) else { return .failure(MatcherError("'\(value)' is not a level")) }
                return .success(RouteMatcher(field: field, operation: operation, value: level.name, level: level))
            }
            if field == "level" || field == "log.level", Level(parsing: value) == nil {
                return .failure(MatcherError("'\(value)' is not a level"))
            }
            let normalised = (field == "level" || field == "log.level") ? (Level(parsing: value)?.name ?? value) : value
            return .success(RouteMatcher(field: field, operation: operation, value: normalised, level: nil))
        }
        return .failure(MatcherError("'\(text)' is not a matcher (expected field=value, field!=value or level>=name)"))
    }

    static func isKnownField(_ field: String) -> Bool {
        ["service", "service.name", "environment", "service.environment", "logger", "log.logger", "level", "log.level",
         "error.type", "host", "host.name"].contains(field) || (field.hasPrefix("labels.") && field.count > 7)
    }

    public func matches(_ event: AlertEvent) -> Bool {
        switch operation {
        case .equal: return event.value(of: field) == value
        case .notEqual: return event.value(of: field) != value
        case .atLeast: return event.level >= (level ?? .trace)
        }
    }
}

public struct MatcherError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
