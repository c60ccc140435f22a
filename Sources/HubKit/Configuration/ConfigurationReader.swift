import Foundation
import Secrets
import Yams

/// Reads settings from a YAML file and `ADMIN_*` environment variables (which win), remembering
/// every key it was asked for, where its value came from and whether it is secret, so that
/// `admin check-config` can print the effective configuration and unknown file keys are errors
/// instead of silently ignored typos.
public final class ConfigurationReader {
    public enum Source: String, Sendable { case defaultValue = "default", file, environment }

    public struct Entry: Sendable {
        public var key: String
        public var environmentVariable: String
        public var value: String
        public var source: Source
        public var isSecret: Bool
        public var help: String
    }

    private var fileValues: [String: String] = [:]
    /// The file's top-level mapping as Yams loaded it, for sections with lists of mappings (`section`).
    private var fileRoot: [String: Any] = [:]
    private let environment: [String: String]
    /// The YAML file read, if any (areas that reload their section read it again).
    public let filePath: String?
    public private(set) var entries: [Entry] = []
    private var errors: [String] = []

    public init(filePath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        self.environment = environment
        self.filePath = filePath
        guard let filePath else { return }
        guard let text = try? String(contentsOfFile: filePath, encoding: .utf8) else {
            throw .unreadableFile(filePath)
        }
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            throw .invalidFile(path: filePath, reason: "\(error)")
        }
        if loaded == nil { return }
        guard let root = loaded as? [String: Any] else {
            throw .invalidFile(path: filePath, reason: "the top level must be a mapping of keys to values")
        }
        fileRoot = root
        flatten(root, prefix: "")
    }

    /// A whole top-level section as YAML loaded it (mappings, lists, scalars), for areas whose
    /// configuration is a tree (alerting's routes and receivers). Its flattened keys count as read;
    /// the area validates the tree itself and reports problems through `fail`.
    public func section(_ name: String) -> Any? {
        for key in fileValues.keys where key == name || key.hasPrefix(name + ".") { fileValues[key] = nil }
        return fileRoot[name]
    }

    private func flatten(_ mapping: [String: Any], prefix: String) {
        for (key, value) in mapping {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            switch value {
            case let nested as [String: Any]: flatten(nested, prefix: path)
            case let list as [Any]: fileValues[path] = list.map { "\($0)" }.joined(separator: ",")
            default: fileValues[path] = "\(value)"
            }
        }
    }

    /// The raw text of a setting: environment, else file, else the default.
    public func string(_ key: String, env: String, default defaultValue: String, secret: Bool = false, help: String) -> String {
        let value: String
        let source: Source
        if let fromEnv = environment[env] {
            (value, source) = (fromEnv, .environment)
        } else if let fromFile = fileValues[key] {
            (value, source) = (fromFile, .file)
        } else {
            (value, source) = (defaultValue, .defaultValue)
        }
        fileValues[key] = nil
        entries.append(Entry(key: key, environmentVariable: env, value: value, source: source, isSecret: secret, help: help))
        return value
    }

    public func int(_ key: String, env: String, default defaultValue: Int, range: ClosedRange<Int> = 0...Int.max, help: String) -> Int {
        let text = string(key, env: env, default: String(defaultValue), help: help)
        guard let value = Self.parseSize(text), range.contains(value) else {
            errors.append("\(key) (\(env)) = '\(text)': expected a whole number in \(range.lowerBound)...\(range.upperBound) (suffixes k, M, G allowed)")
            return defaultValue
        }
        return value
    }

    public func bool(_ key: String, env: String, default defaultValue: Bool, help: String) -> Bool {
        let text = string(key, env: env, default: defaultValue ? "true" : "false", help: help).lowercased()
        switch text {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            errors.append("\(key) (\(env)) = '\(text)': expected true or false")
            return defaultValue
        }
    }

    public func list(_ key: String, env: String, default defaultValue: [String], secret: Bool = false, help: String) -> [String] {
        string(key, env: env, default: defaultValue.joined(separator: ","), secret: secret, help: help)
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Records a validation failure found by the caller (a bad combination of values, a bad URL).
    public func fail(_ message: String) { errors.append(message) }

    /// Call once everything was read: reports every bad value and every unknown file key at once.
    public func finish() throws(ConfigurationError) {
        for key in fileValues.keys.sorted() {
            errors.append("unknown key '\(key)' in \(filePath ?? "the configuration file")")
        }
        if !errors.isEmpty { throw .invalidValues(errors) }
    }

    /// "64M" -> 67108864; plain numbers pass through.
    static func parseSize(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let multipliers: [Character: Int] = ["k": 1 << 10, "K": 1 << 10, "m": 1 << 20, "M": 1 << 20, "g": 1 << 30, "G": 1 << 30]
        if let last = trimmed.last, let multiplier = multipliers[last], let n = Int(trimmed.dropLast()) {
            return n.multipliedReportingOverflow(by: multiplier).overflow ? nil : n * multiplier
        }
        return Int(trimmed)
    }
}

/// Configuration problems, worded so the operator knows which key to change.
public enum ConfigurationError: Error, CustomStringConvertible {
    case unreadableFile(String)
    case invalidFile(path: String, reason: String)
    case invalidValues([String])

    public var description: String {
        switch self {
        case .unreadableFile(let path): return "cannot read the configuration file \(path)"
        case .invalidFile(let path, let reason): return "the configuration file \(path) is not valid YAML: \(reason)"
        case .invalidValues(let problems): return "invalid configuration:\n  - " + problems.joined(separator: "\n  - ")
        }
    }
}

extension ConfigurationReader {
    /// A secret as `check-config` and validation messages show it: URLs and conninfo strings keep
    /// everything but their passwords (`CredentialRedaction`, the one masking used everywhere);
    /// opaque secrets (API keys, passwords) are replaced whole.
    public static func masked(_ value: String) -> String {
        guard !value.isEmpty else { return "" }
        if let masked = CredentialRedaction.redactingCredentials(in: value) { return masked.text }
        if value.contains("://") { return value }
        return CredentialRedaction.mask
    }
}
