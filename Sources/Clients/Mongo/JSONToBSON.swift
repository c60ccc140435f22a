import LogModel

/// Writes a stored event's JSON straight into BSON bytes, without a `JSONValue` tree in between: the
/// MongoDB sink's fast path (the tree and its retain/release were most of the sink's CPU).
///
/// It writes exactly the bytes `BSONWriter` writes for the parsed value — `_id` first (any top-level
/// `_id` member dropped), members in order, integers as int32 when they fit and int64 otherwise,
/// fractions as doubles, strings at a date path as BSON dates — and gives up (nil) on whatever it
/// does not handle the same way cheaply: duplicate keys, lone surrogates, numbers that need the C
/// library's rounding, a string at a date path that is not RFC 3339, a NUL or nothing in a key, deep
/// nesting, malformed JSON. The caller then takes the tree path, which gives the same document or
/// the same error. A test holds the two paths to the same bytes.
struct JSONToBSON {
    private let input: UnsafeBufferPointer<UInt8>
    private var pos = 0
    private var out: [UInt8] = []
    /// Hashes of the keys of every object being written, innermost last (duplicate keys bail out).
    private var keyHashes: [UInt64] = []
    /// Decoded bytes of a string at a date path.
    private var scratch: [UInt8] = []

    static let maxDepth = 32
    private static let idKey: [UInt8] = Array("_id".utf8)
    private static let timestampKey: [UInt8] = Array("@timestamp".utf8)

    private init(input: UnsafeBufferPointer<UInt8>, out: [UInt8]) {
        self.input = input
        self.out = out
    }

    /// Writes the BSON for `json` with `_id` = `id` into `buffer` (its old contents go, its capacity
    /// is reused: one buffer serves a whole batch); when the top level has no `timestamp.key`, it is
    /// added last as a date of `timestamp.millis`. false: take the tree path.
    static func document(_ json: UnsafeBufferPointer<UInt8>, id: String, datePaths: BSONDatePaths,
                         timestampIfMissing timestamp: (key: String, millis: Int64)?, into buffer: inout [UInt8]) -> Bool {
        buffer.removeAll(keepingCapacity: true)
        var writer = JSONToBSON(input: json, out: buffer)
        buffer = []  // `writer` holds the only reference: appends do not copy
        defer { swap(&buffer, &writer.out) }
        writer.out.reserveCapacity(json.count + id.utf8.count + 64)
        writer.skipWhitespace()
        guard writer.peek == UInt8(ascii: "{") else { return false }
        let start = writer.out.count
        writer.appendInt32(0)
        writer.out.append(0x02)
        writer.appendCString(idKey)
        writer.appendString(Array(id.utf8))
        var sawTimestamp = false
        let timestampKey = timestamp.map { Array($0.key.utf8) } ?? []
        guard writer.object(dates: datePaths.isEmpty ? nil : datePaths, depth: 1, topLevel: true,
                            timestampKey: timestampKey, sawTimestamp: &sawTimestamp) else { return false }
        if let timestamp, !sawTimestamp {
            writer.out.append(0x09)
            writer.appendCString(timestampKey)
            writer.appendInt64(timestamp.millis)
        }
        writer.out.append(0)
        writer.patchInt32(at: start, Int32(writer.out.count - start))
        writer.skipWhitespace()
        return writer.pos == json.count
    }

    // MARK: Containers

    /// The members of the object at `pos` (its `{`), appended as BSON elements.
    private mutating func object(dates: BSONDatePaths?, depth: Int, topLevel: Bool, timestampKey: [UInt8],
                                 sawTimestamp: inout Bool) -> Bool {
        pos += 1
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            pos += 1
            return true
        }
        let hashBase = keyHashes.count
        defer { keyHashes.removeSubrange(hashBase...) }
        while true {
            guard peek == UInt8(ascii: "\"") else { return false }
            let typeAt = out.count
            out.append(0)
            let keyStart = out.count
            guard string(), out.count > keyStart else { return false }
            let hash = out.withUnsafeBufferPointer { buffer -> UInt64? in
                let key = UnsafeBufferPointer(rebasing: buffer[keyStart...])
                if key.contains(0) { return nil }
                return Self.fnv1a(key)
            }
            guard let hash, !keyHashes[hashBase...].contains(hash) else { return false }
            keyHashes.append(hash)
            let skipped = topLevel && out[keyStart...].elementsEqual(Self.idKey)
            if topLevel, !timestampKey.isEmpty, out[keyStart...].elementsEqual(timestampKey) { sawTimestamp = true }
            var childDates: BSONDatePaths?
            if let dates, !dates.children.isEmpty {
                childDates = out.withUnsafeBufferPointer { dates.child(utf8: UnsafeBufferPointer(rebasing: $0[keyStart...])) }
            }
            out.append(0)
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { return false }
            pos += 1
            skipWhitespace()
            guard value(typeAt: typeAt, dates: childDates, depth: depth) else { return false }
            if skipped { out.removeSubrange(typeAt...) }
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","):
                pos += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                pos += 1
                return true
            default:
                return false
            }
        }
    }

    /// The elements of the array at `pos` (its `[`), keys "0", "1", …; a date path passes through.
    private mutating func array(dates: BSONDatePaths?, depth: Int) -> Bool {
        pos += 1
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            pos += 1
            return true
        }
        var index = 0
        while true {
            let typeAt = out.count
            out.append(0)
            appendCString(Array(String(index).utf8))
            guard value(typeAt: typeAt, dates: dates, depth: depth) else { return false }
            index += 1
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","):
                pos += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                pos += 1
                return true
            default:
                return false
            }
        }
    }

    /// One value at `pos`; its BSON type goes to `out[typeAt]`.
    private mutating func value(typeAt: Int, dates: BSONDatePaths?, depth: Int) -> Bool {
        guard pos < input.count else { return false }
        switch input[pos] {
        case UInt8(ascii: "\""):
            if let dates, dates.isDate {
                let mark = out.count
                guard string() else { return false }
                let text = String(decoding: out[mark...], as: UTF8.self)
                out.removeSubrange(mark...)
                guard let millis = RFC3339.milliseconds(from: text) else { return false }
                out[typeAt] = 0x09
                appendInt64(millis)
            } else {
                out[typeAt] = 0x02
                let lengthAt = out.count
                appendInt32(0)
                guard string() else { return false }
                out.append(0)
                patchInt32(at: lengthAt, Int32(out.count - lengthAt - 4))
            }
            return true
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth < Self.maxDepth else { return false }
            let isObject = input[pos] == UInt8(ascii: "{")
            out[typeAt] = isObject ? 0x03 : 0x04
            let start = out.count
            appendInt32(0)
            var unused = false
            let ok = isObject
                ? object(dates: dates, depth: depth + 1, topLevel: false, timestampKey: [], sawTimestamp: &unused)
                : array(dates: dates, depth: depth + 1)
            guard ok else { return false }
            out.append(0)
            patchInt32(at: start, Int32(out.count - start))
            return true
        case UInt8(ascii: "t"):
            guard literal("true") else { return false }
            out[typeAt] = 0x08
            out.append(1)
            return true
        case UInt8(ascii: "f"):
            guard literal("false") else { return false }
            out[typeAt] = 0x08
            out.append(0)
            return true
        case UInt8(ascii: "n"):
            guard literal("null") else { return false }
            out[typeAt] = 0x0A
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return number(typeAt: typeAt)
        default:
            return false
        }
    }

    // MARK: Scalars

    /// The parser's number rules (LogModel `JSONParserState.parseNumber`) for the cases it decides
    /// without the C library; the others bail out.
    private mutating func number(typeAt: Int) -> Bool {
        var negative = false
        if input[pos] == UInt8(ascii: "-") {
            negative = true
            pos += 1
        }
        guard pos < input.count, isDigit(input[pos]) else { return false }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        if input[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < input.count, isDigit(input[pos]) { return false }
        } else {
            while pos < input.count, isDigit(input[pos]) {
                guard digits < 19 else { return false }
                mantissa = mantissa &* 10 &+ UInt64(input[pos] &- 48)
                digits += 1
                pos += 1
            }
        }
        var isInteger = true
        if pos < input.count, input[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            guard pos < input.count, isDigit(input[pos]) else { return false }
            while pos < input.count, isDigit(input[pos]) {
                let digit = UInt64(input[pos] &- 48)
                if mantissa == 0, digit == 0 {
                    exponent -= 1
                } else {
                    guard digits < 19 else { return false }
                    mantissa = mantissa &* 10 &+ digit
                    digits += 1
                    exponent -= 1
                }
                pos += 1
            }
        }
        if pos < input.count, input[pos] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            pos += 1
            var exponentNegative = false
            if pos < input.count, input[pos] == UInt8(ascii: "+") || input[pos] == UInt8(ascii: "-") {
                exponentNegative = input[pos] == UInt8(ascii: "-")
                pos += 1
            }
            guard pos < input.count, isDigit(input[pos]) else { return false }
            var value = 0
            while pos < input.count, isDigit(input[pos]) {
                guard value < 10_000 else { return false }
                value = value * 10 + Int(input[pos] &- 48)
                pos += 1
            }
            exponent += exponentNegative ? -value : value
        }
        if isInteger {
            guard mantissa <= UInt64(Int64.max) else { return false }
            let value = negative ? -Int64(mantissa) : Int64(mantissa)
            if let small = Int32(exactly: value) {
                out[typeAt] = 0x10
                appendInt32(small)
            } else {
                out[typeAt] = 0x12
                appendInt64(value)
            }
            return true
        }
        guard mantissa < (1 << 53), exponent >= -22, exponent <= 22 else { return false }
        let m = Double(mantissa)
        let d = exponent >= 0 ? m * Self.exactPowersOfTen[exponent] : m / Self.exactPowersOfTen[-exponent]
        out[typeAt] = 0x01
        appendInt64(Int64(bitPattern: (negative ? -d : d).bitPattern))
        return true
    }

    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The string at `pos` (its opening quote), decoded into `out` (no length, no terminator).
    private mutating func string() -> Bool {
        pos += 1
        while pos < input.count {
            // A run of bytes that need no attention, copied at once.
            let runStart = pos
            while pos < input.count {
                let c = input[pos]
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { break }
                pos += 1
            }
            if pos > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<pos])) }
            guard pos < input.count else { return false }
            let c = input[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return true
            }
            if c < 0x20 { return false }
            if c >= 0x80 {
                guard let length = multibyteLength() else { return false }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: input[pos..<(pos + length)]))
                pos += length
                continue
            }
            // A backslash.
            pos += 1
            guard pos < input.count else { return false }
            switch input[pos] {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                pos += 1
                guard var scalar = hex4() else { return false }
                if scalar >= 0xD800, scalar <= 0xDBFF {
                    guard pos + 1 < input.count, input[pos] == UInt8(ascii: "\\"), input[pos + 1] == UInt8(ascii: "u") else { return false }
                    pos += 2
                    guard let low = hex4(), low >= 0xDC00, low <= 0xDFFF else { return false }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00, scalar <= 0xDFFF {
                    return false
                }
                UTF8Scalar.append(scalar, to: &out)
                continue
            default:
                return false
            }
            pos += 1
        }
        return false
    }

    /// The length of the valid UTF-8 sequence at `pos` (RFC 3629, as the parser checks it), or nil.
    private func multibyteLength() -> Int? {
        let lead = input[pos]
        var length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard pos + length <= input.count, input[pos + 1] >= low, input[pos + 1] <= high else { return nil }
        for i in 2..<length where input[pos + i] & 0xC0 != 0x80 { return nil }
        return length
    }

    private mutating func hex4() -> UInt32? {
        guard pos + 4 <= input.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = input[pos]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - 55
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            pos += 1
        }
        return value
    }


    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard pos + count <= input.count else { return false }
        for i in 0..<count where input[pos + i] != word.utf8Start[i] { return false }
        pos += count
        return true
    }

    // MARK: Bytes

    private var peek: UInt8? { pos < input.count ? input[pos] : nil }

    private mutating func skipWhitespace() {
        while pos < input.count, input[pos] == 0x20 || input[pos] == 0x0A || input[pos] == 0x0D || input[pos] == 0x09 { pos += 1 }
    }

    private func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }

    private mutating func appendCString(_ bytes: [UInt8]) {
        out.append(contentsOf: bytes)
        out.append(0)
    }

    /// A BSON string value: int32 length (with the terminator), the bytes, NUL.
    private mutating func appendString(_ bytes: [UInt8]) {
        appendInt32(Int32(bytes.count + 1))
        out.append(contentsOf: bytes)
        out.append(0)
    }

    private mutating func appendInt32(_ value: Int32) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private mutating func appendInt64(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private mutating func patchInt32(at index: Int, _ value: Int32) {
        withUnsafeBytes(of: value.littleEndian) { bytes in
            for i in 0..<4 { out[index + i] = bytes[i] }
        }
    }

    private static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
