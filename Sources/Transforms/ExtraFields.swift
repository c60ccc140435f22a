import LogModel

/// Builds `labels` and `attributes` from the members the field table did not claim, enforcing
/// the configured bounds and redacting secret-named keys on the way.
///
/// - A string, number or boolean goes to `labels` as a string; anything else (objects, arrays,
///   null) to `attributes`. A member named `labels` or `attributes` holding an object is merged
///   into the respective one (ECS senders put their labels there already).
/// - Label keys have `.` replaced by `_`: Elasticsearch would otherwise expand `a.b` into an
///   object, and `labels.a` as a string in one event and an object in another cannot both be
///   indexed. An empty key becomes `_`. The first of two labels with the same key wins; the
///   other is counted as dropped.
/// - Over ``NormalizerConfiguration/maxLabels`` labels or ``NormalizerConfiguration/maxAttributeKeys``
///   attribute keys: the rest is dropped and counted (`dropped`). Values nested deeper than
///   ``NormalizerConfiguration/maxAttributeDepth`` are stored as their JSON text (`flattened`).
struct ExtraFields {
    private(set) var labels = JSONObject(minimumCapacity: 8)
    private(set) var attributes = JSONObject()
    private(set) var dropped = 0
    private(set) var flattened = 0
    private(set) var redactions = 0

    private let maxLabels: Int
    private let maxAttributeKeys: Int
    private let maxAttributeDepth: Int
    private let secrets: SecretKeyMatcher
    private var labelHashes: [UInt64] = []
    private var attributeHashes: [UInt64] = []
    private var attributeKeys = 0

    static let redacted: JSONValue = .string("[REDACTED]")

    init(configuration: NormalizerConfiguration, secrets: SecretKeyMatcher) {
        // Copy the numbers only: the configuration's arrays would cost retains per event.
        maxLabels = configuration.maxLabels
        maxAttributeKeys = configuration.maxAttributeKeys
        maxAttributeDepth = configuration.maxAttributeDepth
        self.secrets = secrets
    }

    /// Files one leftover top-level member.
    mutating func add(key: String, value: JSONValue) {
        switch value {
        case .string, .int, .double, .bool:
            addLabel(key: key, value: value)
        case .object(let object) where key == "labels":
            for member in object {
                switch member.value {
                case .string, .int, .double, .bool: addLabel(key: member.key, value: member.value)
                default: addAttribute(key: "labels." + member.key, value: member.value)
                }
            }
        case .object(let object) where key == "attributes":
            for member in object { addAttribute(key: member.key, value: member.value) }
        default:
            addAttribute(key: key, value: value)
        }
    }

    /// A label the normaliser sets itself (`shop_id`); the same limits and redaction apply.
    mutating func addLabel(key: String, value: JSONValue) {
        let (hash, hasDot) = Self.hashAndDot(key)
        let storedKey: String
        let storedHash: UInt64
        if key.isEmpty {
            storedKey = "_"
            storedHash = Self.hashAndDot("_").hash
        } else if hasDot {
            storedKey = String(decoding: key.utf8.map { $0 == UInt8(ascii: ".") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
            storedHash = Self.hashAndDot(storedKey).hash
        } else {
            storedKey = key
            storedHash = hash
        }
        if Self.contains(hash: storedHash, key: storedKey, hashes: labelHashes, in: labels) {
            dropped += 1
            return
        }
        guard labels.count < maxLabels else {
            dropped += 1
            return
        }
        if labelHashes.isEmpty { labelHashes.reserveCapacity(16) }
        labelHashes.append(storedHash)
        if secrets.matches(key) {
            redactions += 1
            labels.append(storedKey, Self.redacted)
        } else {
            labels.append(storedKey, .string(value.scalarText ?? ""))
        }
    }

    private mutating func addAttribute(key: String, value: JSONValue) {
        let hash = Self.hashAndDot(key).hash
        if Self.contains(hash: hash, key: key, hashes: attributeHashes, in: attributes) {
            dropped += 1
            return
        }
        guard attributeKeys < maxAttributeKeys else {
            dropped += 1 + Self.keyCount(value)
            return
        }
        attributeKeys += 1
        attributeHashes.append(hash)
        if secrets.matches(key) {
            redactions += 1
            attributes.append(key, Self.redacted)
        } else {
            attributes.append(key, copy(value, depth: 1))
        }
    }

    /// Copies an attribute value at `depth` (1 = directly under `attributes`), applying the key
    /// budget, the depth bound and redaction.
    private mutating func copy(_ value: JSONValue, depth: Int) -> JSONValue {
        // Most attribute values need no change: check first and keep the value as it is, which
        // saves rebuilding every nested object.
        var keys = 0
        if isStorable(value, depth: depth, keys: &keys), attributeKeys + keys <= maxAttributeKeys {
            attributeKeys += keys
            return value
        }
        switch value {
        case .object(let object):
            if depth >= maxAttributeDepth, !object.isEmpty {
                flattened += 1
                return .string(value.jsonString)
            }
            var out = JSONObject(minimumCapacity: object.count)
            for member in object {
                guard attributeKeys < maxAttributeKeys else {
                    dropped += 1 + Self.keyCount(member.value)
                    continue
                }
                attributeKeys += 1
                if secrets.matches(member.key) {
                    redactions += 1
                    out.append(member.key, Self.redacted)
                } else {
                    out.append(member.key, copy(member.value, depth: depth + 1))
                }
            }
            return .object(out)
        case .array(let elements):
            if depth >= maxAttributeDepth, elements.contains(where: { $0.isContainer }) {
                flattened += 1
                return .string(value.jsonString)
            }
            guard elements.contains(where: { $0.isContainer }) else { return value }
            return .array(elements.map { copy($0, depth: depth + 1) })
        default:
            return value
        }
    }

    /// Whether `value` at `depth` can be stored unchanged: no secret-named key and nothing too
    /// deep. `keys` receives its object key count.
    private func isStorable(_ value: JSONValue, depth: Int, keys: inout Int) -> Bool {
        switch value {
        case .object(let object):
            if depth >= maxAttributeDepth, !object.isEmpty { return false }
            keys += object.count
            for member in object {
                if secrets.matches(member.key) || !isStorable(member.value, depth: depth + 1, keys: &keys) { return false }
            }
            return true
        case .array(let elements):
            for element in elements where element.isContainer {
                if depth >= maxAttributeDepth || !isStorable(element, depth: depth + 1, keys: &keys) { return false }
            }
            return true
        default:
            return true
        }
    }

    /// Object keys inside `value`, for counting what a dropped member took with it.
    private static func keyCount(_ value: JSONValue) -> Int {
        switch value {
        case .object(let object): return object.members.reduce(object.count) { $0 + keyCount($1.value) }
        case .array(let elements): return elements.reduce(0) { $0 + keyCount($1) }
        default: return 0
        }
    }

    /// FNV-1a of the key's bytes, and whether it holds a dot, in one pass.
    private static func hashAndDot(_ key: String) -> (hash: UInt64, hasDot: Bool) {
        func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, Bool) {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            var dot = false
            for b in bytes {
                h = (h ^ UInt64(b)) &* 0x100_0000_01b3
                dot = dot || b == UInt8(ascii: ".")
            }
            return (h, dot)
        }
        if let result = key.utf8.withContiguousStorageIfAvailable(scan) { return result }
        return Array(key.utf8).withUnsafeBufferPointer(scan)
    }

    private static func contains(hash: UInt64, key: String, hashes: [UInt64], in object: JSONObject) -> Bool {
        for (i, h) in hashes.enumerated() where h == hash && object.members[i].key == key { return true }
        return false
    }
}

extension JSONValue {
    var isContainer: Bool {
        switch self {
        case .object, .array: return true
        default: return false
        }
    }
}
