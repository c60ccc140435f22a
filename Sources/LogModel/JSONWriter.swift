/// Writes ``JSONValue``s as compact JSON bytes into a ``JSONByteBuffer``. Strings are copied in runs between the bytes that
/// must be escaped (`"`, `\`, and controls below U+0020, which RFC 8259 forbids raw).
enum JSONWriter {
    static func write(_ value: JSONValue, into out: inout JSONByteBuffer) {
        switch value {
        case .null: appendLiteral("null", to: &out)
        case .bool(let b): appendLiteral(b ? "true" : "false", to: &out)
        case .int(let i): writeInt(i, into: &out)
        case .double(let d): writeDouble(d, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            writeObject(object, into: &out)
        }
    }

    static func writeObject(_ object: JSONObject, into out: inout JSONByteBuffer) {
        out.append(UInt8(ascii: "{"))
        // In place through the buffer: `for member in members` copied each member (retained and
        // released its key and value) only to write it.
        object.members.withUnsafeBufferPointer { members in
            for index in members.indices {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(members[index].key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(members[index].value, into: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    @inline(__always)
    private static func appendLiteral(_ literal: StaticString, to out: inout JSONByteBuffer) {
        out.append(literal)
    }

    static func writeInt(_ value: Int64, into out: inout JSONByteBuffer) {
        if value >= 0, value < 10 {
            out.append(UInt8(48 + value))
            return
        }
        // Int64.min has 19 digits plus the sign.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var magnitude = value.magnitude
            var i = 20
            repeat {
                i -= 1
                buffer[i] = UInt8(48 + magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            if value < 0 {
                i -= 1
                buffer[i] = UInt8(ascii: "-")
            }
            out.append(buffer.baseAddress! + i, count: 20 - i)
        }
    }

    static func writeDouble(_ value: Double, into out: inout JSONByteBuffer) {
        guard value.isFinite else {
            appendLiteral("null", to: &out)
            return
        }
        // Swift's description is the shortest text that round-trips ("0.1", "1e-05", "1e+20",
        // "3.0") and every such form is also a valid JSON number.
        var text = value.description
        text.withUTF8 { out.append($0.baseAddress!, count: $0.count) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ string: String, into out: inout JSONByteBuffer) {
        // Native strings expose their UTF-8 in place; others (bridged, rare here) are copied once.
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in
            writeQuoted(bytes, into: &out)
        }
        if done == nil {
            var copy = string
            copy.withUTF8 { writeQuoted($0, into: &out) }
        }
    }

    @inline(__always)
    private static func writeQuoted(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout JSONByteBuffer) {
        // Most strings need no escaping: check them first and copy them whole.
        if !needsEscape(bytes) {
            out.appendQuoted(bytes)
            return
        }
        out.append(UInt8(ascii: "\""))
        writeEscaped(bytes, into: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any byte of `bytes` must be escaped: 8 bytes at a time, the tail as one more
    /// (overlapping) word when the string is at least 8 bytes long, a shorter one as one word.
    @inline(__always)
    private static func needsEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        guard let base = bytes.baseAddress, count > 0 else { return false }
        if count < 8 { return wordNeedsEscape(ShortBytes.word(bytes)) }
        var i = 0
        while i + 8 <= count {
            if wordNeedsEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { return true }
            i += 8
        }
        return i < count && wordNeedsEscape(UnsafeRawPointer(base + count - 8).loadUnaligned(as: UInt64.self))
    }

    @inline(__always)
    private static func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout JSONByteBuffer) {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return }
        var runStart = 0
        var i = 0
        while i < count {
            // Most strings need no escaping: skip 8 bytes at a time while none of them does.
            while i + 8 <= count, !Self.wordNeedsEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) {
                i += 8
            }
            guard i < count else { break }
            let c = base[i]
            if c >= 0x20, c != UInt8(ascii: "\""), c != UInt8(ascii: "\\") {
                i += 1
                continue
            }
            if i > runStart { out.append(base + runStart, count: i - runStart) }
            appendEscape(c, to: &out)
            i += 1
            runStart = i
        }
        if count > runStart { out.append(base + runStart, count: count - runStart) }
    }

    /// Whether any of the 8 bytes in `word` is a control byte (< 0x20), `"` or `\` (SWAR: the
    /// classic "has zero byte" and "has byte less than n" bit tricks, Hacker's Delight 6-1).
    @inline(__always)
    private static func wordNeedsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let below20 = (word &- ones &* 0x20) & ~word
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        return (below20 | zeroQuote | zeroBackslash) & highs != 0
    }

    private static func appendEscape(_ c: UInt8, to out: inout JSONByteBuffer) {
        out.append(UInt8(ascii: "\\"))
        switch c {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        default:
            out.append(UInt8(ascii: "u"))
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "0"))
            out.append(hexDigits[Int(c >> 4)])
            out.append(hexDigits[Int(c & 0xF)])
        }
    }
}
