/// The recursive-descent machinery behind ``JSONParser``: one value per call, a cursor over a
/// borrowed byte buffer, and a scratch buffer for unescaped string bytes reused across the whole
/// document.
struct JSONParserState {
    let base: UnsafePointer<UInt8>
    let end: Int
    private let maxDepth: Int
    var pos = 0
    private var depth = 0
    private var scratch: [UInt8] = []
    /// The previous event's top-level keys.
    let keys: JSONKeyReuse.Slots?
    /// The key bits of the top-level members to build (``JSONMemberSelection``; all bits set: every
    /// member); the others are passed over (``skipValue()``). Only the bits: holding the selection
    /// itself cost a retain and release per object parsed.
    private let selectedBits: UInt64

    /// Objects with more members than this find repeated keys through a dictionary instead of a
    /// linear scan of the keys, so a hostile event with 20,000 keys stays linear.
    private static let linearDuplicateScanLimit = 32

    init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int, keys: JSONKeyReuse.Slots? = nil, selection: JSONMemberSelection? = nil) {
        self.base = base
        self.end = count
        self.maxDepth = maxDepth
        self.keys = keys
        selectedBits = selection?.bits ?? ~0
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if pos != end {
            throw syntaxError("unexpected \(describe(base[pos])) after the JSON value at byte \(pos) (one value per input)")
        }
        return value
    }

    // MARK: - Values

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard pos < end else { throw unexpectedEnd("a value") }
        switch base[pos] {
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""):
            var ignored: UInt64 = 0
            return .string(try parseString(keyBit: &ignored, wantsKeyBit: false))
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw unexpectedByte(expecting: "a value")
        }
    }

    private mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > maxDepth {
            throw JSONParseError(
                offset: pos, code: JSONParseError.tooDeep,
                message: "arrays/objects nested deeper than \(maxDepth) levels at byte \(pos)")
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONObject {
        try enterContainer()
        pos += 1  // '{'
        skipWhitespace()
        var members: [JSONObject.Member] = []
        if pos < end, base[pos] == UInt8(ascii: "}") {
            pos += 1
            depth -= 1
            return JSONObject(members)
        }
        // An event's own object has 10–20 members (growing 8 → 16 copied them); nested ones a few.
        members.reserveCapacity(depth == 1 ? 16 : 4)
        var index: [ByteKey: Int]? = nil
        // The keys' bits (``keyBit(_:)``) seen so far: a key whose bit is clear has no earlier
        // equal, and most keys are told so without comparing it with the keys before it.
        var keyBits: UInt64 = 0
        // The top-level object's keys are looked up in `keys` by their member's position.
        let reusing = depth == 1 && keys != nil
        let selected = depth == 1 ? selectedBits : ~0
        var position = 0
        while true {
            guard pos < end else { throw unexpectedEnd("'\"' starting an object key") }
            guard base[pos] == UInt8(ascii: "\"") else { throw unexpectedByte(expecting: "'\"' starting an object key") }
            var keyBit: UInt64 = 0
            let key = try parseString(keyBit: &keyBit, wantsKeyBit: true, slot: reusing ? position : -1)
            skipWhitespace()
            guard pos < end else { throw unexpectedEnd("':' after an object key") }
            guard base[pos] == UInt8(ascii: ":") else { throw unexpectedByte(expecting: "':' after an object key") }
            pos += 1
            skipWhitespace()
            if !JSONMemberSelection.keeps(key, keyBit: keyBit, selected: selected) {
                try skipValue()
                position += 1
            } else {
                let value = try parseValue()
                position += 1

                let mayRepeat = index != nil || keyBits & keyBit != 0
                keyBits |= keyBit
                if mayRepeat, let duplicate = duplicateIndex(of: key, index: index, members: members) {
                    members[duplicate].value = value
                } else {
                    if index != nil { index![ByteKey(key)] = members.count }
                    // The key's last use: moved into the member, not retained for a later lookup.
                    members.append(JSONObject.Member(consume key, consume value))
                    if index == nil, members.count > Self.linearDuplicateScanLimit {
                        var built = [ByteKey: Int](minimumCapacity: members.count * 2)
                        for (i, member) in members.enumerated() { built[ByteKey(member.key)] = i }
                        index = built
                    }
                }
            }

            skipWhitespace()
            guard pos < end else { throw unexpectedEnd("',' or '}' in an object") }
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if c == UInt8(ascii: "}") { break }
            pos -= 1
            throw unexpectedByte(expecting: "',' or '}' in an object")
        }
        depth -= 1
        return JSONObject(members)
    }

    /// Passes over one value without building it (a member the ``JSONMemberSelection`` does not
    /// want). It finds where the value ends (strings by their unescaped closing quote, containers by
    /// their brackets, numbers and literals by the byte after them) but checks less than a parse:
    /// not UTF-8, escapes, number syntax or which bracket closes which. Meant for documents the hub
    /// wrote itself (spool records), where a parse would only confirm what is known.
    private mutating func skipValue() throws(JSONParseError) {
        guard pos < end else { throw unexpectedEnd("a value") }
        switch base[pos] {
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var nesting = 0
            repeat {
                guard pos < end else { throw unexpectedEnd("the end of an object or array") }
                switch base[pos] {
                case UInt8(ascii: "\""): try skipString(); continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): nesting += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): nesting -= 1
                default: break
                }
                pos += 1
            } while nesting > 0
        default:
            let start = pos
            while pos < end {
                let c = base[pos]
                if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 {
                    break
                }
                pos += 1
            }
            if pos == start { throw unexpectedByte(expecting: "a value") }
        }
    }

    /// Passes over a string from its opening quote to just after its closing one.
    private mutating func skipString() throws(JSONParseError) {
        let start = pos
        pos += 1
        while true {
            skipPlainASCII()
            guard pos < end else { throw unexpectedEnd("the closing '\"' of a string starting at byte \(start)") }
            switch base[pos] {
            case UInt8(ascii: "\""): pos += 1; return
            case UInt8(ascii: "\\"): pos += 2  // the escaped byte, whatever it is
            default: pos += 1  // a control or non-ASCII byte: not checked here
            }
        }
    }

    @inline(__always)
    private func duplicateIndex(
        of key: String, index: [ByteKey: Int]?, members: [JSONObject.Member]
    ) -> Int? {
        if let index { return index[ByteKey(key)] }
        // By bytes, as the stores see keys: `==` on `String`s would fold a decomposed "é" into "é".
        // Keys that share a bit mostly differ in length, which settles it without the bytes.
        let count = key.utf8.count
        return members.withUnsafeBufferPointer { members in
            members.firstIndex { $0.key.utf8.count == count && $0.key.utf8.elementsEqual(key.utf8) }
        }
    }

    /// A key in the large objects' dictionary, hashed and compared by its bytes like the linear
    /// check (`String`'s own hash and `==` follow canonical equivalence).
    private struct ByteKey: Hashable {
        let key: String
        init(_ key: String) { self.key = key }
        static func == (a: ByteKey, b: ByteKey) -> Bool { a.key.utf8.elementsEqual(b.key.utf8) }
        func hash(into hasher: inout Hasher) { hasher.combine(ByteHash.hash(key)) }
    }

    /// One of 64 bits picked by a key's length and its first and last bytes: equal keys get the
    /// same bit, and an event's dozen keys mostly different ones (a shared bit costs a comparison
    /// with the earlier keys, never a wrong answer). Cheaper than hashing every byte.
    @inline(__always)
    static func keyBit(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        guard n > 0 else { return 1 }
        let mixed = (UInt64(truncatingIfNeeded: n) << 16 | UInt64(bytes[0]) << 8 | UInt64(bytes[n - 1])) &* 0x9E37_79B9_7F4A_7C15
        return 1 << (mixed >> 58)
    }

    private mutating func parseArray() throws(JSONParseError) -> [JSONValue] {
        try enterContainer()
        pos += 1  // '['
        skipWhitespace()
        var elements: [JSONValue] = []
        if pos < end, base[pos] == UInt8(ascii: "]") {
            pos += 1
            depth -= 1
            return elements
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard pos < end else { throw unexpectedEnd("',' or ']' in an array") }
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if c == UInt8(ascii: "]") { break }
            pos -= 1
            throw unexpectedByte(expecting: "',' or ']' in an array")
        }
        depth -= 1
        return elements
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let length = literal.utf8CodeUnitCount
        let text = literal.utf8Start
        for i in 0..<length {
            guard pos + i < end else {
                pos += i
                throw unexpectedEnd("the rest of '\(literal)'")
            }
            if base[pos + i] != text[i] {
                pos += i
                throw unexpectedByte(expecting: "the rest of '\(literal)'")
            }
        }
        pos += length
    }

    // MARK: - Strings

    /// Parses a string starting at the opening quote. When `wantsKeyBit`, `keyBit` receives
    /// ``keyBit(_:)`` of the decoded bytes (used for repeated keys). A key without escapes is
    /// looked up in `keys` when `slot` is one (≥ 0).
    mutating func parseString(keyBit: inout UInt64, wantsKeyBit: Bool, slot: Int = -1) throws(JSONParseError) -> String {
        pos += 1  // opening quote
        let start = pos
        var ascii = true
        while true {
            skipPlainASCII()
            guard pos < end else { throw unexpectedEnd("the closing '\"' of a string starting at byte \(start - 1)") }
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                let bytes = UnsafeBufferPointer(start: base + start, count: pos - start)
                pos += 1
                if wantsKeyBit { keyBit = Self.keyBit(bytes) }
                guard slot >= 0, let keys else { return Self.string(bytes, ascii: ascii) }
                if let same = keys.previous(slot, matching: bytes) { return same }
                let made = Self.string(bytes, ascii: ascii)
                keys.remember(made, from: bytes, in: slot)
                return made
            }
            if c == UInt8(ascii: "\\") {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: pos - start))
                return try parseEscapedString(start: start, keyBit: &keyBit, wantsKeyBit: wantsKeyBit)
            }
            if c < 0x20 { throw controlCharacter(c) }
            if c >= 0x80 {
                ascii = false
                try skipMultibyteSequence()
            } else {
                pos += 1
            }
        }
    }

    /// A string of bytes the parser checked to be UTF-8 without escapes.
    @inline(__always)
    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, ascii: Bool) -> String {
        if ascii { return String(unsafeUninitializedCapacity: bytes.count) { $0.initialize(fromContentsOf: bytes) } }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Continues a string once a backslash was seen; decoded bytes accumulate in `scratch`.
    private mutating func parseEscapedString(start: Int, keyBit: inout UInt64, wantsKeyBit: Bool) throws(JSONParseError) -> String {
        while true {
            let runStart = pos
            skipPlainASCII()
            guard pos < end else { throw unexpectedEnd("the closing '\"' of a string starting at byte \(start - 1)") }
            var c = base[pos]
            while c >= 0x80 {
                try skipMultibyteSequence()
                skipPlainASCII()
                guard pos < end else { throw unexpectedEnd("the closing '\"' of a string starting at byte \(start - 1)") }
                c = base[pos]
            }
            if pos > runStart { scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: pos - runStart)) }
            if c == UInt8(ascii: "\"") {
                pos += 1
                if wantsKeyBit { keyBit = scratch.withUnsafeBufferPointer { Self.keyBit($0) } }
                return String(decoding: scratch, as: UTF8.self)
            }
            if c < 0x20 { throw controlCharacter(c) }
            // c is a backslash
            let escapeStart = pos
            pos += 1
            guard pos < end else { throw unexpectedEnd("an escape character after '\\'") }
            switch base[pos] {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                pos += 1
                var scalar = try readHex4()
                if scalar >= 0xD800, scalar <= 0xDBFF {
                    guard pos + 1 < end, base[pos] == UInt8(ascii: "\\"), base[pos + 1] == UInt8(ascii: "u") else {
                        throw loneSurrogate(scalar, at: escapeStart)
                    }
                    pos += 2
                    let low = try readHex4()
                    guard low >= 0xDC00, low <= 0xDFFF else { throw loneSurrogate(scalar, at: escapeStart) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00, scalar <= 0xDFFF {
                    throw loneSurrogate(scalar, at: escapeStart)
                }
                UTF8Scalar.append(scalar, to: &scratch)
                continue  // readHex4 already advanced past the digits
            default:
                throw syntaxError(
                    "invalid escape '\\\(printable(base[pos]))' at byte \(escapeStart) "
                        + "(valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
            }
            pos += 1
        }
    }

    private mutating func readHex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard pos < end else { throw unexpectedEnd("4 hex digits after '\\u'") }
            let c = base[pos]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - 55
            default: throw unexpectedByte(expecting: "4 hex digits after '\\u'")
            }
            value = value << 4 | UInt32(digit)
            pos += 1
        }
        return value
    }


    /// Advances over ASCII bytes that need no attention inside a string, eight at a time: stops at
    /// a quote, a backslash, a control character, a non-ASCII byte or the end.
    @inline(__always)
    mutating func skipPlainASCII() {
        pos = JSONStringScan.plainASCIIEnd(base, from: pos, to: end)
    }

    /// Validates one multi-byte UTF-8 sequence at `pos` (RFC 3629 table) and advances past it.
    mutating func skipMultibyteSequence() throws(JSONParseError) {
        let lead = base[pos]
        var length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F  // would encode a surrogate
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F  // would exceed U+10FFFF
        default: throw invalidUTF8(at: pos)
        }
        guard pos + length <= end else { throw invalidUTF8(at: pos) }
        let second = base[pos + 1]
        guard second >= low, second <= high else { throw invalidUTF8(at: pos) }
        var i = 2
        while i < length {
            guard base[pos + i] & 0xC0 == 0x80 else { throw invalidUTF8(at: pos) }
            i += 1
        }
        pos += length
    }

    // MARK: - Whitespace

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            let c = base[pos]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            pos += 1
        }
    }

    // MARK: - Errors

    func syntaxError(_ message: String) -> JSONParseError {
        JSONParseError(offset: pos, code: JSONParseError.invalidJSON, message: message)
    }

    func unexpectedEnd(_ expecting: String) -> JSONParseError {
        JSONParseError(
            offset: pos, code: JSONParseError.invalidJSON,
            message: "unexpected end of input at byte \(pos), expected \(expecting)")
    }

    func unexpectedByte(expecting: String) -> JSONParseError {
        JSONParseError(
            offset: pos, code: JSONParseError.invalidJSON,
            message: "unexpected \(describe(base[pos])) at byte \(pos), expected \(expecting)")
    }

    private func controlCharacter(_ c: UInt8) -> JSONParseError {
        let hex = String(c, radix: 16, uppercase: true)
        return JSONParseError(
            offset: pos, code: JSONParseError.invalidJSON,
            message: "unescaped control character U+\(hex.count == 1 ? "000" : "00")\(hex) in a string at byte \(pos) "
                + "(escape it, e.g. \\n or \\u00XX)")
    }

    private func invalidUTF8(at offset: Int) -> JSONParseError {
        JSONParseError(
            offset: offset, code: JSONParseError.invalidUTF8,
            message: "invalid UTF-8 (\(describe(base[offset]))) in a string at byte \(offset); send text encoded as UTF-8")
    }

    private func loneSurrogate(_ scalar: UInt32, at offset: Int) -> JSONParseError {
        let hex = String(scalar, radix: 16, uppercase: true)
        return JSONParseError(
            offset: offset, code: JSONParseError.invalidJSON,
            message: "lone surrogate \\u\(hex) at byte \(offset) (a \\uD800-\\uDBFF escape must be followed by a \\uDC00-\\uDFFF escape)")
    }

    private func describe(_ c: UInt8) -> String {
        if c >= 0x20, c < 0x7F { return "'\(printable(c))'" }
        let hex = String(c, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" : "")\(hex)"
    }

    private func printable(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? String(UnicodeScalar(c)) : "?"
    }
}
