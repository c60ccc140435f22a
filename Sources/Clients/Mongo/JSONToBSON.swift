#if canImport(Glibc)
import Glibc
#endif
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
///
/// Bytes go to a plain pointer, count and capacity lent by a `BSONScratch` (appending to `[UInt8]`
/// paid a uniqueness check, a retain and a release per call: with the byte-at-a-time string scan,
/// ~39k instructions a 650-byte document; `intake-bench delivery BODY 3 mongo`).
struct JSONToBSON {
    private let input: UnsafePointer<UInt8>
    private let end: Int
    private var pos = 0
    private var out: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Hashes of the keys of every object being written, innermost last (duplicate keys bail out).
    private var hashes: UnsafeMutablePointer<UInt64>
    private var hashCount = 0
    private var hashCapacity: Int
    /// Set when a string decoded `\u0000` (a NUL, refused in keys).
    private var decodedNUL = false

    static let maxDepth = 32

    private init(input: UnsafeBufferPointer<UInt8>, scratch: BSONScratch) {
        self.input = input.baseAddress!
        self.end = input.count
        out = scratch.bytes
        capacity = scratch.byteCapacity
        hashes = scratch.hashes
        hashCapacity = scratch.hashCapacity
    }

    /// Hands the (maybe grown) buffers back to `scratch`.
    private func giveBack(to scratch: BSONScratch) {
        scratch.bytes = out
        scratch.byteCapacity = capacity
        scratch.hashes = hashes
        scratch.hashCapacity = hashCapacity
    }

    /// Writes the BSON for `json` with `_id` = `id` into `scratch` and passes its bytes to `body`
    /// (valid only there); when the top level has no `timestamp.key`, it is added last as a date of
    /// `timestamp.millis`. nil without calling `body`: take the tree path.
    static func document<R>(_ json: UnsafeBufferPointer<UInt8>, id: String, datePaths: BSONDatePaths,
                            timestampIfMissing timestamp: (key: String, millis: Int64)?, scratch: BSONScratch,
                            _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard !json.isEmpty else { return nil }
        var writer = JSONToBSON(input: json, scratch: scratch)
        let written = withUTF8(id) { id in
            withUTF8(timestamp?.key ?? "") { timestampKey in
                writer.write(id: id, datePaths: datePaths, timestampKey: timestamp == nil ? nil : timestampKey,
                             timestampMillis: timestamp?.millis ?? 0)
            }
        }
        writer.giveBack(to: scratch)
        guard written else { return nil }
        return body(UnsafeBufferPointer(start: writer.out, count: writer.count))
    }

    private static func withUTF8<R>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(string.utf8).withUnsafeBufferPointer(body)
    }

    private mutating func write(id: UnsafeBufferPointer<UInt8>, datePaths: BSONDatePaths,
                                timestampKey: UnsafeBufferPointer<UInt8>?, timestampMillis: Int64) -> Bool {
        skipWhitespace()
        guard peek == UInt8(ascii: "{") else { return false }
        appendInt32(0)
        append(0x02)
        append(StaticString("_id"))
        append(0)
        appendInt32(Int32(id.count + 1))
        append(id)
        append(0)
        var sawTimestamp = false
        guard object(dates: datePaths.isEmpty ? nil : datePaths.bytes, depth: 1, topLevel: true,
                     timestampKey: timestampKey, sawTimestamp: &sawTimestamp) else { return false }
        if let timestampKey, !sawTimestamp {
            append(0x09)
            append(timestampKey)
            append(0)
            appendInt64(timestampMillis)
        }
        append(0)
        patchInt32(at: 0, Int32(count))
        skipWhitespace()
        return pos == end
    }

    // MARK: Containers

    /// The members of the object at `pos` (its `{`), appended as BSON elements.
    private mutating func object(dates: BSONDatePaths.ByteNode?, depth: Int, topLevel: Bool, timestampKey: UnsafeBufferPointer<UInt8>?,
                                 sawTimestamp: inout Bool) -> Bool {
        pos += 1
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            pos += 1
            return true
        }
        let hashBase = hashCount
        defer { hashCount = hashBase }
        while true {
            guard peek == UInt8(ascii: "\"") else { return false }
            let typeAt = count
            append(0)
            let keyStart = count, rawStart = pos + 1
            decodedNUL = false
            guard string(), count > keyStart, !decodedNUL else { return false }
            let keyLength = count - keyStart
            // `keyHash` loads eight bytes from the key's start. From the input when the key had no
            // escape (the same bytes): loading just-written bytes back stalls on store forwarding.
            let hash: UInt64
            if pos - 1 - rawStart == keyLength, rawStart + 8 <= end {
                hash = Self.keyHash(UnsafeBufferPointer(start: input + rawStart, count: keyLength))
            } else {
                reserve(keyStart + 8 - count)  // may move `out`
                hash = Self.keyHash(UnsafeBufferPointer(start: out + keyStart, count: keyLength))
            }
            let key = UnsafeBufferPointer(start: out + keyStart, count: keyLength)
            for i in hashBase..<hashCount where hashes[i] == hash { return false }
            appendHash(hash)
            let skipped = topLevel && Self.equal(key, StaticString("_id"))
            if topLevel, let timestampKey, Self.equal(key, timestampKey) { sawTimestamp = true }
            let childDates = dates?.child(utf8: key)
            append(0)
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { return false }
            pos += 1
            skipWhitespace()
            guard value(typeAt: typeAt, dates: childDates, depth: depth) else { return false }
            if skipped { count = typeAt }
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
    private mutating func array(dates: BSONDatePaths.ByteNode?, depth: Int) -> Bool {
        pos += 1
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            pos += 1
            return true
        }
        var index = 0
        while true {
            let typeAt = count
            append(0)
            appendDecimal(index)
            append(0)
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
    private mutating func value(typeAt: Int, dates: BSONDatePaths.ByteNode?, depth: Int) -> Bool {
        guard pos < end else { return false }
        switch input[pos] {
        case UInt8(ascii: "\""):
            if dates?.isDate == true {
                let mark = count
                guard string() else { return false }
                let millis = RFC3339.milliseconds(utf8: UnsafeBufferPointer(start: out + mark, count: count - mark))
                count = mark
                guard let millis else { return false }
                out[typeAt] = 0x09
                appendInt64(millis)
            } else {
                out[typeAt] = 0x02
                let lengthAt = count
                appendInt32(0)
                guard string() else { return false }
                append(0)
                patchInt32(at: lengthAt, Int32(count - lengthAt - 4))
            }
            return true
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth < Self.maxDepth else { return false }
            let isObject = input[pos] == UInt8(ascii: "{")
            out[typeAt] = isObject ? 0x03 : 0x04
            let start = count
            appendInt32(0)
            var unused = false
            let ok = isObject
                ? object(dates: dates, depth: depth + 1, topLevel: false, timestampKey: nil, sawTimestamp: &unused)
                : array(dates: dates, depth: depth + 1)
            guard ok else { return false }
            append(0)
            patchInt32(at: start, Int32(count - start))
            return true
        case UInt8(ascii: "t"):
            guard literal("true") else { return false }
            out[typeAt] = 0x08
            append(1)
            return true
        case UInt8(ascii: "f"):
            guard literal("false") else { return false }
            out[typeAt] = 0x08
            append(0)
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
        guard pos < end, isDigit(input[pos]) else { return false }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        if input[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < end, isDigit(input[pos]) { return false }
        } else {
            while pos < end, isDigit(input[pos]) {
                guard digits < 19 else { return false }
                mantissa = mantissa &* 10 &+ UInt64(input[pos] &- 48)
                digits += 1
                pos += 1
            }
        }
        var isInteger = true
        if pos < end, input[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            guard pos < end, isDigit(input[pos]) else { return false }
            while pos < end, isDigit(input[pos]) {
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
        if pos < end, input[pos] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            pos += 1
            var exponentNegative = false
            if pos < end, input[pos] == UInt8(ascii: "+") || input[pos] == UInt8(ascii: "-") {
                exponentNegative = input[pos] == UInt8(ascii: "-")
                pos += 1
            }
            guard pos < end, isDigit(input[pos]) else { return false }
            var value = 0
            while pos < end, isDigit(input[pos]) {
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
        while true {
            // A run of bytes that need no attention, copied at once.
            let runStart = pos
            pos = JSONStringScan.plainASCIIEnd(input, from: pos, to: end)
            if pos > runStart { append(input + runStart, count: pos - runStart) }
            guard pos < end else { return false }
            let c = input[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return true
            }
            if c < 0x20 { return false }
            if c >= 0x80 {
                guard let length = multibyteLength() else { return false }
                append(input + pos, count: length)
                pos += length
                continue
            }
            // A backslash.
            pos += 1
            guard pos < end else { return false }
            switch input[pos] {
            case UInt8(ascii: "\""): append(0x22)
            case UInt8(ascii: "\\"): append(0x5C)
            case UInt8(ascii: "/"): append(0x2F)
            case UInt8(ascii: "b"): append(0x08)
            case UInt8(ascii: "f"): append(0x0C)
            case UInt8(ascii: "n"): append(0x0A)
            case UInt8(ascii: "r"): append(0x0D)
            case UInt8(ascii: "t"): append(0x09)
            case UInt8(ascii: "u"):
                pos += 1
                guard var scalar = hex4() else { return false }
                if scalar >= 0xD800, scalar <= 0xDBFF {
                    guard pos + 1 < end, input[pos] == UInt8(ascii: "\\"), input[pos + 1] == UInt8(ascii: "u") else { return false }
                    pos += 2
                    guard let low = hex4(), low >= 0xDC00, low <= 0xDFFF else { return false }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00, scalar <= 0xDFFF {
                    return false
                }
                if scalar == 0 { decodedNUL = true }
                appendScalar(scalar)
                continue
            default:
                return false
            }
            pos += 1
        }
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
        guard pos + length <= end, input[pos + 1] >= low, input[pos + 1] <= high else { return nil }
        for i in 2..<length where input[pos + i] & 0xC0 != 0x80 { return nil }
        return length
    }

    private mutating func hex4() -> UInt32? {
        guard pos + 4 <= end else { return nil }
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
        guard pos + count <= end else { return false }
        for i in 0..<count where input[pos + i] != word.utf8Start[i] { return false }
        pos += count
        return true
    }

    // MARK: Bytes

    private var peek: UInt8? { pos < end ? input[pos] : nil }

    private mutating func skipWhitespace() {
        while pos < end, input[pos] == 0x20 || input[pos] == 0x0A || input[pos] == 0x0D || input[pos] == 0x09 { pos += 1 }
    }

    private func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }

    // MARK: Output

    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(minimum: count + n) }
    }

    private mutating func grow(minimum: Int) {
        let newCapacity = Swift.max(minimum, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: out, count: count)
        out.deallocate()
        out = newBase
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        reserve(1)
        out[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func append(_ start: UnsafePointer<UInt8>, count n: Int) {
        reserve(n)
        JSONByteBuffer.copy(start, to: out + count, count: n)
        count += n
    }

    @inline(__always)
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress else { return }
        append(start, count: bytes.count)
    }

    @inline(__always)
    private mutating func append(_ literal: StaticString) {
        append(literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    private mutating func appendInt32(_ value: Int32) {
        reserve(4)
        UnsafeMutableRawPointer(out + count).storeBytes(of: value.littleEndian, as: Int32.self)
        count += 4
    }

    private mutating func appendInt64(_ value: Int64) {
        reserve(8)
        UnsafeMutableRawPointer(out + count).storeBytes(of: value.littleEndian, as: Int64.self)
        count += 8
    }

    private func patchInt32(at index: Int, _ value: Int32) {
        UnsafeMutableRawPointer(out + index).storeBytes(of: value.littleEndian, as: Int32.self)
    }

    /// An array index as decimal digits (the element's key).
    private mutating func appendDecimal(_ value: Int) {
        var digits = 1, rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        reserve(digits)
        rest = value
        for i in stride(from: count + digits - 1, through: count, by: -1) {
            out[i] = UInt8(48 + rest % 10)
            rest /= 10
        }
        count += digits
    }

    /// A Unicode scalar's UTF-8.
    private mutating func appendScalar(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            append(UInt8(scalar))
        case ..<0x800:
            append(UInt8(0xC0 | scalar >> 6))
            append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            append(UInt8(0xE0 | scalar >> 12))
            append(UInt8(0x80 | scalar >> 6 & 0x3F))
            append(UInt8(0x80 | scalar & 0x3F))
        default:
            append(UInt8(0xF0 | scalar >> 18))
            append(UInt8(0x80 | scalar >> 12 & 0x3F))
            append(UInt8(0x80 | scalar >> 6 & 0x3F))
            append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Keys

    private mutating func appendHash(_ hash: UInt64) {
        if hashCount == hashCapacity {
            let grown = UnsafeMutablePointer<UInt64>.allocate(capacity: hashCapacity * 2)
            grown.update(from: hashes, count: hashCount)
            hashes.deallocate()
            hashes = grown
            hashCapacity *= 2
        }
        hashes[hashCount] = hash
        hashCount += 1
    }

    /// Equal keys hash alike, which is all a duplicate check needs (a collision only sends the
    /// document down the tree path): the key's words, eight bytes at a time, mixed with its length.
    /// A short key is one load, masked to its length: the caller makes sure eight bytes can be read
    /// from its start.
    private static func keyHash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = key.count
        let raw = UnsafeRawPointer(key.baseAddress!)
        var hash = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        if n < 8 {
            let word = raw.loadUnaligned(as: UInt64.self) & ((1 << (8 * UInt64(n))) &- 1)
            hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
            return hash ^ (hash >> 29)
        }
        var i = 0
        while i + 8 <= n {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            i += 8
        }
        if i < n {
            // The last word, overlapping the one before: equal keys overlap alike.
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
        }
        return hash ^ (hash >> 29)
    }

    private static func equal(_ key: UnsafeBufferPointer<UInt8>, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        key.count == other.count && (key.isEmpty || memcmp(key.baseAddress!, other.baseAddress!, key.count) == 0)
    }

    private static func equal(_ key: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        key.count == literal.utf8CodeUnitCount && memcmp(key.baseAddress!, literal.utf8Start, key.count) == 0
    }
}
