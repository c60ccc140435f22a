import LogModel

/// Builds `labels` and `attributes` from the members the field table did not claim, enforcing
/// the configured bounds, making every key storable and redacting on the way.
///
/// - A string, number or boolean goes to `labels` as a string; anything else (objects, arrays,
///   null) to `attributes`. A member named `labels` or `attributes` holding an object is merged
///   into the respective one (ECS senders put their labels there already).
/// - Every key, at any depth, is made storable in both stores (``StorableKey``: `.` → `_`, empty
///   → `_`, leading `$` → `_`, control characters → `_`, long keys shortened). When two keys of
///   one object end up the same, the first wins; the other is counted as dropped.
/// - Values: a secret-named key's value becomes `"[REDACTED]"`; a card-named key's value is
///   masked (``SecretKeyKind/card``); every other string, at any depth, and every key goes
///   through ``StringValueRedaction`` (card numbers, URL and conninfo passwords).
/// - Over ``NormalizerConfiguration/maxLabels`` labels or ``NormalizerConfiguration/maxAttributeKeys``
///   attribute keys: the rest is dropped and counted (`dropped`). Values nested deeper than
///   ``NormalizerConfiguration/maxAttributeDepth`` are stored as their (redacted) JSON text
///   (`flattened`).
struct ExtraFields {
    private(set) var labels: StoredLabels
    private(set) var attributes = JSONObject()
    private(set) var dropped = 0
    private(set) var flattened = 0
    private(set) var redactions = 0
    /// A label is kept as its bytes in the event (``StoredText/raw(start:count:)``).
    private(set) var usesSource = false

    /// The configuration's bounds, copied out of it once per normaliser: copying the whole
    /// configuration per event retained and released its arrays.
    struct Limits {
        var maxLabels: Int
        var maxAttributeKeys: Int
        var maxAttributeDepth: Int

        init(_ configuration: NormalizerConfiguration) {
            maxLabels = configuration.maxLabels
            maxAttributeKeys = configuration.maxAttributeKeys
            maxAttributeDepth = configuration.maxAttributeDepth
        }
    }

    private let maxLabels: Int
    private let maxAttributeKeys: Int
    private let maxAttributeDepth: Int
    /// The normaliser's one matcher, not retained: an `ExtraFields` lives inside one `normalize`
    /// call, which holds it. Retaining it per event made both decoding cores write its reference
    /// count (a stored `unowned(unsafe)` reference did not help: each use retained it).
    private let secretsReference: Unmanaged<SecretKeyMatcher>
    private var secrets: SecretKeyMatcher { secretsReference.takeUnretainedValue() }
    /// Top-level keys already worked out in this request, when the caller keeps one.
    private let memo: LabelKeyMemo?
    /// One bit per stored key of `labels` / `attributes` (its hash's top six bits): a key whose bit
    /// is clear is not there yet, and most keys are told so without comparing them with the others.
    private var labelBits: UInt64 = 0
    private var attributeBits: UInt64 = 0
    private var attributeKeys = 0

    static let redactedText = "[REDACTED]"
    static let redacted: JSONValue = .string(redactedText)

    init(limits: Limits, secrets: borrowing SecretKeyMatcher, memo: LabelKeyMemo? = nil) {
        maxLabels = limits.maxLabels
        maxAttributeKeys = limits.maxAttributeKeys
        maxAttributeDepth = limits.maxAttributeDepth
        secretsReference = Unmanaged.passUnretained(copy secrets)
        self.memo = memo
        labels = StoredLabels(reusing: memo?.takeSpareLabels() ?? [], minimumCapacity: 8)
    }

    /// Files one leftover top-level member, the event's member at `position`.
    mutating func add(key: String, value: JSONValue, position: Int = -1) {
        switch value {
        case .string, .int, .double, .bool:
            addLabel(key: key, value: value, position: position)
        case .object(let object) where key == "labels":
            for member in object {
                switch member.value {
                case .string, .int, .double, .bool: addLabel(key: member.key, value: member.value)
                default: addAttribute(key: "labels_" + member.key, value: member.value)
                }
            }
        case .object(let object) where key == "attributes":
            for member in object { addAttribute(key: member.key, value: member.value) }
        default:
            addAttribute(key: key, value: value, position: position)
        }
    }

    /// A leftover top-level member that is a label; `position`: its member in the event, or -1.
    mutating func addLabel(key: String, value: JSONValue, position: Int = -1) {
        addLabel(facts: topLevelFacts(key, position: position), value: value)
    }

    /// A label the normaliser sets itself (`shop_id`), its key worked out once by the normaliser
    /// (``facts(of:secrets:)``); the same limits and redaction apply.
    mutating func addLabel(facts: LabelKeyMemo.Facts, value: JSONValue) {
        guard let storedKey = admitLabel(facts) else { return }
        labels.append(storedKey, labelText(kind: facts.kind, value: value))
    }

    /// A flat event's string or integer member `index` as a label under its own key. Its value, and
    /// its key when stored as sent, are kept as their bytes in the event
    /// (``StoredText/raw(start:count:)``) when nothing changes them.
    mutating func addLabel(flat event: FlatEvent, member index: Int) {
        // Read in place through the buffer: the array's subscript copied the member (its key
        // retained and released).
        let facts = event.members.withUnsafeBufferPointer { topLevelFacts($0[index].key, position: index) }
        addLabel(flat: event, member: index, facts: facts, ownKey: true)
    }

    /// The same under `facts`' key (the normaliser's `shop_id`).
    mutating func addLabel(flat event: FlatEvent, member index: Int, facts: LabelKeyMemo.Facts) {
        addLabel(flat: event, member: index, facts: facts, ownKey: false)
    }

    /// `facts` is not optional here on purpose: copying a `Facts?` went through the runtime's
    /// generic value witness (~90 instructions a label).
    private mutating func addLabel(flat event: FlatEvent, member index: Int, facts: LabelKeyMemo.Facts, ownKey: Bool) {
        let (keyStart, value, valueStart, valueCount) = event.members.withUnsafeBufferPointer { members in
            (members[index].keyStart, members[index].value, members[index].valueStart, members[index].valueCount)
        }
        guard let storedKey = admitLabel(facts) else { return }
        let rawKey = ownKey && facts.keyUnchanged ? keyStart : -1
        if rawKey >= 0 { usesSource = true }
        if facts.kind == .plain, Self.isStoredAsWritten(value, text: event.utf8(start: valueStart, count: valueCount)) {
            usesSource = true
            labels.append(storedKey, rawKey: rawKey, .raw(start: valueStart, count: valueCount))
        } else {
            labels.append(storedKey, rawKey: rawKey, labelText(kind: facts.kind, value: event.value(at: index)))
        }
    }

    /// Whether a plain label's stored text is the value's text as written: a string with nothing to
    /// redact, or an integer of fewer than 13 digits (no card) written as ``DecimalText`` writes it
    /// (JSON allows no leading zeros; `-0` is the one other spelling).
    private static func isStoredAsWritten(_ value: FlatValue, text: UnsafeBufferPointer<UInt8>) -> Bool {
        switch value {
        case .text: !StringValueRedaction.mayRedact(text)
        case .int(let number): number.magnitude < 1_000_000_000_000 && (number != 0 || text.count == 1)
        case .bool: false
        }
    }

    /// The stored key of a new label, or `nil` when it is dropped (its key taken, or over the limit).
    private mutating func admitLabel(_ facts: LabelKeyMemo.Facts) -> String? {
        redactions += facts.redactions
        let storedKey = facts.storedKey
        let bit = Self.bit(of: facts.storedHash)
        if labelBits & bit != 0, labels.contains(storedKey) {
            dropped += 1
            return nil
        }
        guard labels.count < maxLabels else {
            dropped += 1
            return nil
        }
        labelBits |= bit
        return storedKey
    }

    /// A label's stored text: every label is a string.
    private mutating func labelText(kind: SecretKeyKind, value: JSONValue) -> StoredText {
        switch kind {
        case .secret:
            redactions += 1
            return .string(Self.redactedText)
        case .card where !value.isBoolOrNull:
            return .string(cardValue(value).stringValue ?? Self.redactedText)
        case .card, .plain:
            if case .int(let number) = value, StringValueRedaction.redact(number) == nil {
                return .string(DecimalText.of(number))  // digits alone: nothing to scan for
            }
            return .string(redacted(value.scalarText ?? ""))
        }
    }

    /// The stored key, its hash and its kind: from the request's memo, or worked out. `position`:
    /// the key's member in the event, or -1.
    private func topLevelFacts(_ key: String, position: Int) -> LabelKeyMemo.Facts {
        secretsReference._withUnsafeGuaranteedRef { secrets in
            guard let memo else { return Self.facts(of: key, secrets: secrets) }
            return memo.facts(of: key, at: position, secrets: secrets)
        }
    }

    /// The stored key, its hash and its kind, worked out.
    static func facts(of key: String, secrets: SecretKeyMatcher) -> LabelKeyMemo.Facts {
        var redactions = 0
        let stored = storedKey(key, redactions: &redactions)
        return LabelKeyMemo.Facts(storedKey: stored, storedHash: LabelKeyMemo.hash(stored), kind: secrets.kind(of: key),
                                  redactions: redactions, keyUnchanged: stored.utf8.elementsEqual(key.utf8))
    }

    private mutating func addAttribute(key: String, value: JSONValue, position: Int = -1) {
        let facts = topLevelFacts(key, position: position)
        redactions += facts.redactions
        let storedKey = facts.storedKey
        let bit = Self.bit(of: facts.storedHash)
        if attributeBits & bit != 0, Self.contains(storedKey, in: attributes) {
            dropped += 1 + Self.keyCount(value)
            return
        }
        guard attributeKeys < maxAttributeKeys else {
            dropped += 1 + Self.keyCount(value)
            return
        }
        attributeKeys += 1
        attributeBits |= bit
        attributes.append(storedKey, member(kind: facts.kind, value: value, depth: 1, flattening: false))
    }

    /// The stored value of a member named `key` at `depth` (1 = directly under `attributes`).
    private mutating func member(kind: SecretKeyKind, value: JSONValue, depth: Int, flattening: Bool) -> JSONValue {
        switch kind {
        case .secret:
            redactions += 1
            return Self.redacted
        case .card where !value.isContainer && !value.isBoolOrNull:
            return cardValue(value)
        case .card, .plain:
            return copy(value, depth: depth, flattening: flattening)
        }
    }

    /// Copies an attribute value at `depth`, applying the key budget, the depth bound, key
    /// normalisation and redaction. `flattening`: the value is being turned into JSON text
    /// (redact, but no bounds).
    private mutating func copy(_ value: JSONValue, depth: Int, flattening: Bool) -> JSONValue {
        // Most attribute values need no change: check first and keep the value as it is, which
        // saves rebuilding every nested object.
        var keys = 0
        if isStorable(value, depth: depth, keys: &keys, bounded: !flattening),
            flattening || attributeKeys + keys <= maxAttributeKeys
        {
            if !flattening { attributeKeys += keys }
            return value
        }
        switch value {
        case .object(let object):
            if !flattening, depth >= maxAttributeDepth, !object.isEmpty {
                flattened += 1
                return .string(copy(value, depth: depth, flattening: true).jsonString)
            }
            var out = JSONObject(minimumCapacity: object.count)
            // The parser leaves no duplicate keys; only a changed key can collide, so the set is
            // built after the first change.
            var taken: Set<String>?
            for member in object {
                if !flattening {
                    guard attributeKeys < maxAttributeKeys else {
                        dropped += 1 + Self.keyCount(member.value)
                        continue
                    }
                }
                let key = storedKey(member.key)
                if taken == nil, key != member.key { taken = Set(out.members.map(\.key)) }
                if taken != nil {
                    guard taken!.insert(key).inserted else {
                        dropped += 1 + Self.keyCount(member.value)
                        continue
                    }
                }
                if !flattening { attributeKeys += 1 }
                out.append(key, self.member(kind: secrets.kind(of: member.key), value: member.value, depth: depth + 1,
                                            flattening: flattening))
            }
            return .object(out)
        case .array(let elements):
            if !flattening, depth >= maxAttributeDepth, elements.contains(where: { $0.isContainer }) {
                flattened += 1
                return .string(copy(value, depth: depth, flattening: true).jsonString)
            }
            return .array(elements.map { copy($0, depth: depth + 1, flattening: flattening) })
        case .string(let text):
            return .string(redacted(text))
        case .int(let number):
            guard let masked = StringValueRedaction.redact(number) else { return value }
            redactions += 1
            return .string(masked)
        default:
            return value
        }
    }

    /// Whether `value` at `depth` can be stored unchanged: no key to change, no secret- or
    /// card-named key, no string or number to redact and (when `bounded`) nothing too deep.
    /// `keys` receives its object key count.
    private func isStorable(_ value: JSONValue, depth: Int, keys: inout Int, bounded: Bool) -> Bool {
        switch value {
        case .object(let object):
            if bounded, depth >= maxAttributeDepth, !object.isEmpty { return false }
            keys += object.count
            for member in object {
                if Self.keyNeedsWork(member.key) || secrets.kind(of: member.key) != .plain
                    || !isStorable(member.value, depth: depth + 1, keys: &keys, bounded: bounded)
                {
                    return false
                }
            }
            return true
        case .array(let elements):
            for element in elements {
                if element.isContainer, bounded, depth >= maxAttributeDepth { return false }
                if !isStorable(element, depth: depth + 1, keys: &keys, bounded: bounded) { return false }
            }
            return true
        case .string(let text):
            return StringValueRedaction.redact(text) == nil
        case .int(let number):
            return StringValueRedaction.redact(number) == nil
        default:
            return true
        }
    }

    /// A card-named key's scalar: the masked number, or `[REDACTED]` for anything else.
    private mutating func cardValue(_ value: JSONValue) -> JSONValue {
        redactions += 1
        guard let text = value.scalarText, let masked = CardNumberMasker.maskWhole(text) else { return Self.redacted }
        return .string(masked)
    }

    /// A string value with card numbers and passwords masked, counted.
    private mutating func redacted(_ text: String) -> String {
        guard let (result, count) = StringValueRedaction.redact(text) else { return text }
        redactions += count
        return result
    }

    /// The key as stored: a card number in it masked, then made storable (``StorableKey``).
    private mutating func storedKey(_ key: String) -> String {
        Self.storedKey(key, redactions: &redactions)
    }

    private static func storedKey(_ key: String, redactions: inout Int) -> String {
        guard keyNeedsWork(key) else { return key }
        var key = key
        if let (masked, count) = CardNumberMasker.mask(key) {
            redactions += count
            key = masked
        }
        return StorableKey.normalized(key) ?? key
    }

    /// One pass: could the key hold a card number (13 digits or more), or is it not storable
    /// as it is? Nearly every key is a short run of letters and underscores.
    private static func keyNeedsWork(_ key: String) -> Bool {
        func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let first = bytes.first, first != UInt8(ascii: "$"), bytes.count <= StorableKey.maximumBytes else { return true }
            var digits = 0
            for b in bytes where b < 0x41 || b >= 0x7F {
                if b &- 48 < 10 {
                    digits &+= 1
                } else if b < 0x20 || b == UInt8(ascii: ".") || b == 0x7F || b == 0xC2 {
                    return true  // 0xC2: maybe a C1 control; StorableKey decides
                }
            }
            return digits >= 13
        }
        if let result = key.utf8.withContiguousStorageIfAvailable(scan) { return result }
        return Array(key.utf8).withUnsafeBufferPointer(scan)
    }

    /// Object keys inside `value`, for counting what a dropped member took with it.
    private static func keyCount(_ value: JSONValue) -> Int {
        switch value {
        case .object(let object): return object.members.reduce(object.count) { $0 + keyCount($1.value) }
        case .array(let elements): return elements.reduce(0) { $0 + keyCount($1) }
        default: return 0
        }
    }

    @inline(__always)
    private static func bit(of hash: UInt64) -> UInt64 { 1 << (hash >> 58) }

    /// Whether `object` has a member named `key`, by bytes (as the stores compare keys; `==` on
    /// `String`s would fold a decomposed "é" into "é").
    private static func contains(_ key: String, in object: JSONObject) -> Bool {
        let count = key.utf8.count
        return object.members.contains { $0.key.utf8.count == count && $0.key.utf8.elementsEqual(key.utf8) }
    }
}

extension JSONValue {
    var isContainer: Bool {
        switch self {
        case .object, .array: return true
        default: return false
        }
    }

    /// Cannot carry a card number: kept as it is under a card-named key.
    var isBoolOrNull: Bool {
        switch self {
        case .bool, .null: return true
        default: return false
        }
    }
}
