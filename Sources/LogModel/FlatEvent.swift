#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An event whose members are all scalars, read in place: what most services send
/// (`{"@timestamp": "…", "level": "info", "message": "…", "shop_id": 42, …}`). The intake reads
/// such an event without building a ``JSONObject`` tree (``JSONParser/readFlat(_:reusingKeys:into:)``):
/// keys become `String`s (reused from the previous event, see ``JSONKeyReuse``), values stay where
/// they are in the body until the normaliser asks for one.
///
/// `bytes` are borrowed: valid only as long as the buffer they were read from.
public struct FlatEvent {
    /// The event's own bytes; the members' offsets count from their start.
    public let bytes: UnsafeBufferPointer<UInt8>
    public let members: [FlatMember]

    public init(bytes: UnsafeBufferPointer<UInt8>, members: [FlatMember]) {
        self.bytes = bytes
        self.members = members
    }

    /// `count` bytes from `start`, in place.
    @inlinable @inline(__always)
    public func utf8(start: Int32, count: Int32) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(start)..<Int(start + count)])
    }

    /// Member `index`'s value as written: a string's UTF-8 between its quotes, an integer's digits,
    /// `true` or `false`.
    @inlinable @inline(__always)
    public func valueText(at index: Int) -> UnsafeBufferPointer<UInt8> {
        utf8(start: members[index].valueStart, count: members[index].valueCount)
    }

    /// Member `index`'s value as the parser would have built it.
    public func value(at index: Int) -> JSONValue {
        switch members[index].value {
        case .text: .string(String(decoding: valueText(at: index), as: UTF8.self))
        case .int(let number): .int(number)
        case .bool(let flag): .bool(flag)
        }
    }
}

/// One member of a ``FlatEvent``, and where its key and value are in the event's bytes.
public struct FlatMember {
    public var key: String
    /// Where the key's UTF-8 starts, or -1 when the key was written with escapes (its bytes in
    /// the event are not its UTF-8).
    public var keyStart: Int32
    /// The value as written: a string's bytes between its quotes, or the number's or literal's text.
    public var valueStart: Int32
    public var valueCount: Int32
    public var value: FlatValue
    /// The key's bit (`JSONParserState.keyBit(_:)`), for finding a repeated key.
    var keyBit: UInt64

    init(key: String, keyStart: Int32, keyBit: UInt64, valueStart: Int32, valueCount: Int32, value: FlatValue) {
        self.key = key
        self.keyStart = keyStart
        self.keyBit = keyBit
        self.valueStart = valueStart
        self.valueCount = valueCount
        self.value = value
    }
}

/// A scalar as written in the event.
public enum FlatValue: Equatable {
    /// A string without escapes: its bytes (checked UTF-8 without control characters) are the
    /// member's value text.
    case text
    /// An integer that fits `Int64`.
    case int(Int64)
    case bool(Bool)

    public var isBool: Bool {
        if case .bool = self { return true }
        return false
    }
}

extension JSONParser {
    /// Reads `bytes` as a ``FlatEvent``'s members into `members` (emptied first) when the event is
    /// one: a single object, no repeated key, every value a string without escapes, an integer
    /// that fits `Int64`, `true` or `false`. Returns `false`, quietly and without any other effect,
    /// for everything else (nested values, `null`, fractions, escapes in a value, malformed JSON):
    /// ``parse(_:maxDepth:reusingKeys:keeping:)`` then builds the tree, or says what is wrong.
    /// What it accepts, the parser would have made of it the same members (tested).
    public static func readFlat(
        _ bytes: UnsafeBufferPointer<UInt8>, reusingKeys keys: JSONKeyReuse? = nil, into members: inout [FlatMember]
    ) -> Bool {
        members.removeAll(keepingCapacity: true)
        // Offsets are 32-bit: an event that large (past any sane limit) takes the tree.
        guard let base = bytes.baseAddress, bytes.count > 0, bytes.count <= Int32.max else { return false }
        var state = JSONParserState(base: base, count: bytes.count, maxDepth: 1, keys: keys?.slots)
        defer { withExtendedLifetime(keys) {} }
        return state.readFlatObject(into: &members)
    }
}

extension JSONParserState {
    /// See ``JSONParser/readFlat(_:reusingKeys:into:)``.
    mutating func readFlatObject(into members: inout [FlatMember]) -> Bool {
        skipWhitespace()
        guard pos < end, base[pos] == UInt8(ascii: "{") else { return false }
        pos += 1
        skipWhitespace()
        if pos < end, base[pos] == UInt8(ascii: "}") {
            pos += 1
            skipWhitespace()
            return pos == end
        }
        // The keys' bits (``keyBit(_:)``): a key whose bit is clear is not a repeat, and most keys
        // are told so without comparing bytes. A repeated key is left to the tree (the last value
        // at the first place).
        var keyBits: UInt64 = 0
        while true {
            guard pos < end, base[pos] == UInt8(ascii: "\"") else { return false }
            guard let (key, keyStart, keyBit) = readKey(slot: members.count) else { return false }
            if keyBits & keyBit != 0, Self.repeats(key, keyBit: keyBit, in: members) { return false }
            keyBits |= keyBit
            // Compact JSON, what services send, has the colon right after the key: looked at first.
            if pos < end, base[pos] == UInt8(ascii: ":") {
                pos &+= 1
            } else {
                skipWhitespace()
                guard pos < end, base[pos] == UInt8(ascii: ":") else { return false }
                pos += 1
            }
            skipWhitespace()
            guard pos < end else { return false }
            var valueStart = pos
            guard let value = readFlatValue() else { return false }
            var valueEnd = pos
            if case .text = value {
                valueStart += 1  // the quotes are not the text
                valueEnd -= 1
            }
            members.append(FlatMember(
                key: key, keyStart: keyStart, keyBit: keyBit, valueStart: Int32(truncatingIfNeeded: valueStart),
                valueCount: Int32(truncatingIfNeeded: valueEnd - valueStart), value: value))
            skipWhitespace()
            guard pos < end else { return false }
            let c = base[pos]
            pos &+= 1
            if c == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            guard c == UInt8(ascii: "}") else { return false }
            skipWhitespace()
            return pos == end
        }
    }

    /// A key from its opening quote, and its bit (``keyBit(_:)``). Events of one request repeat
    /// their keys in order: the previous event's key at this place is tried first (the bytes and
    /// the closing quote compared), which spares looking for the key's end.
    /// Returns the key, where its UTF-8 starts in the event (-1 when it was written with escapes)
    /// and its bit.
    @inline(__always)
    private mutating func readKey(slot: Int) -> (String, Int32, UInt64)? {
        let start = pos + 1
        if let keys, let (key, count, bit) = keys.predicted(slot, at: base + start, available: end - start) {
            pos &+= count &+ 2
            return (key, Int32(truncatingIfNeeded: start), bit)
        }
        var keyBit: UInt64 = 0
        guard let key = try? parseString(keyBit: &keyBit, wantsKeyBit: true, slot: slot) else { return nil }
        let escaped = memchr(base + start, Int32(UInt8(ascii: "\\")), pos - 1 - start) != nil
        return (key, escaped ? -1 : Int32(truncatingIfNeeded: start), keyBit)
    }

    /// Whether `members` has a key of `key`'s bytes (as the tree compares them); only a key of the
    /// same bit can be.
    private static func repeats(_ key: String, keyBit: UInt64, in members: [FlatMember]) -> Bool {
        members.withUnsafeBufferPointer { members in
            members.contains { $0.keyBit == keyBit && $0.key.utf8.elementsEqual(key.utf8) }
        }
    }

    private mutating func readFlatValue() -> FlatValue? {
        switch base[pos] {
        case UInt8(ascii: "\""): return readPlainString()
        case UInt8(ascii: "t"): return (try? expectLiteral("true")) != nil ? .bool(true) : nil
        case UInt8(ascii: "f"): return (try? expectLiteral("false")) != nil ? .bool(false) : nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard case .int(let number)? = try? parseNumber() else { return nil }
            return .int(number)
        default: return nil  // null, an object, an array, or not JSON
        }
    }

    /// A string value without escapes, from its opening quote; `nil` at an escape, a control
    /// character, bad UTF-8 or the end.
    private mutating func readPlainString() -> FlatValue? {
        pos += 1
        while true {
            skipPlainASCII()
            guard pos < end else { return nil }
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return .text
            }
            guard c >= 0x80, (try? skipMultibyteSequence()) != nil else { return nil }
        }
    }
}
