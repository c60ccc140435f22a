#if canImport(Glibc)
import Glibc
#endif
import LogModel

/// Reads a `_bulk` answer's `errors` and each item's `_index`, `status` and `error` straight from its
/// bytes, passing over everything else (`_id`, `_version`, `result`, `_shards`, `_seq_no`, …)
/// without making a value of it. The parsed tree (`BulkResponse.parseTree`) made about a dozen
/// strings and two dictionaries per item: ~11k instructions an item, a fifth of the sink's CPU
/// against the null store (`intake-bench delivery BODY 3 answer`, README "Delivery ceiling").
///
/// It gives up (nil) on anything it does not read exactly as the tree would — an escape in
/// `_index`, a status that is not a plain integer, a repeated key it reads, an action that is not
/// an object, malformed JSON, nesting past 64 — and the caller parses the tree, which gives the same
/// answer or the same refusal. What it passes over it checks for JSON's shape, not for valid UTF-8.
package struct BulkAnswerScanner {
    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var pos = 0
    private static let maxDepth = 64
    /// The last item's `_index`, as bytes and as the `String` made of them: a batch's items nearly all
    /// name one daily index, so the next item whose bytes are the same shares the string (a `String` of
    /// 22 bytes per item was an allocation, a UTF-8 check and a free).
    private var lastIndex: (bytes: UnsafeBufferPointer<UInt8>, string: String)?

    /// Anything the scanner does not read as the tree would: the tree decides.
    private struct GiveUp: Error {}

    package static func scan(_ body: UnsafeBufferPointer<UInt8>) -> BulkResponse? {
        guard let base = body.baseAddress else { return nil }
        var scanner = BulkAnswerScanner(base: base, end: body.count)
        return try? scanner.root()
    }

    private init(base: UnsafePointer<UInt8>, end: Int) {
        self.base = base
        self.end = end
    }

    // MARK: The answer's shape

    private mutating func root() throws(GiveUp) -> BulkResponse {
        skipWhitespace()
        var errors: Bool?
        var items: [BulkResponse.Item]?
        try expect(UInt8(ascii: "{"))
        var member = Member.first
        while let key = try nextMember(&member) {
            if key.equals("items") {
                guard items == nil else { throw GiveUp() }
                items = try self.items()
                continue
            }
            if key.equals("errors") {
                guard errors == nil else { throw GiveUp() }
                errors = peek == UInt8(ascii: "t") ? true : peek == UInt8(ascii: "f") ? false : nil
            }
            try skipValue(depth: 1)
        }
        skipWhitespace()
        guard pos == end, let items else { throw GiveUp() }
        return BulkResponse(errors: errors, items: items)
    }

    private mutating func items() throws(GiveUp) -> [BulkResponse.Item] {
        try expect(UInt8(ascii: "["))
        var items: [BulkResponse.Item] = []
        items.reserveCapacity(1024)
        skipWhitespace()
        if take(UInt8(ascii: "]")) { return items }
        repeat {
            skipWhitespace()
            items.append(try action())
            skipWhitespace()
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
        return items
    }

    /// `{"create": {…}}`: the first member's object is the item, the rest passed over.
    private mutating func action() throws(GiveUp) -> BulkResponse.Item {
        try expect(UInt8(ascii: "{"))
        var item: BulkResponse.Item?
        var member = Member.first
        while try nextMember(&member) != nil {
            if item == nil {
                item = try self.item()
            } else {
                try skipValue(depth: 3)
            }
        }
        guard let item else { throw GiveUp() }
        return item
    }

    private mutating func item() throws(GiveUp) -> BulkResponse.Item {
        try expect(UInt8(ascii: "{"))
        var item = BulkResponse.Item()
        var seenIndex = false, seenStatus = false, seenError = false
        var member = Member.first
        while let key = try nextMember(&member) {
            if key.equals("_index") {
                guard !seenIndex else { throw GiveUp() }
                seenIndex = true
                item.index = index(try plainString())
            } else if key.equals("status") {
                guard !seenStatus else { throw GiveUp() }
                seenStatus = true
                item.status = try integer()
            } else if key.equals("error") {
                guard !seenError else { throw GiveUp() }
                seenError = true
                let start = pos
                try skipValue(depth: 4)
                guard let value = try? JSONParser.parse(UnsafeRawBufferPointer(start: base + start, count: pos - start)) else { throw GiveUp() }
                item.error = ElasticsearchErrorCause(json: value)
            } else {
                try skipValue(depth: 4)
            }
        }
        return item
    }

    private mutating func index(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if let last = lastIndex, last.bytes.count == bytes.count,
           bytes.count == 0 || memcmp(last.bytes.baseAddress!, bytes.baseAddress!, bytes.count) == 0 {
            return last.string
        }
        let string = String(decoding: bytes, as: UTF8.self)
        lastIndex = (bytes, string)
        return string
    }

    // MARK: JSON

    private enum Member { case first, next }

    /// After an object's `{` or a member's value: the next member's key (with `pos` at its value),
    /// or nil at the object's end.
    private mutating func nextMember(_ member: inout Member) throws(GiveUp) -> Key? {
        skipWhitespace()
        if take(UInt8(ascii: "}")) { return nil }
        if member == .next {
            try expect(UInt8(ascii: ","))
            skipWhitespace()
        }
        member = .next
        let key = try plainString()
        skipWhitespace()
        try expect(UInt8(ascii: ":"))
        skipWhitespace()
        return Key(bytes: key)
    }

    /// A string at `pos` with no escape or control character: its bytes.
    private mutating func plainString() throws(GiveUp) -> UnsafeBufferPointer<UInt8> {
        let start = pos + 1
        guard try !passString() else { throw GiveUp() }
        return UnsafeBufferPointer(start: base + start, count: pos - 1 - start)
    }

    /// Moves past the string at `pos` (its opening quote); true when it held an escape (passed over:
    /// the escaped byte, or the `u` of `\uXXXX`, whose digits are plain bytes).
    @inline(__always)
    private mutating func passString() throws(GiveUp) -> Bool {
        try expect(UInt8(ascii: "\""))
        var escaped = false
        while true {
            pos = JSONStringScan.plainASCIIEnd(base, from: pos, to: end)
            guard pos < end else { throw GiveUp() }
            switch base[pos] {
            case UInt8(ascii: "\""):
                pos += 1
                return escaped
            case UInt8(ascii: "\\"):
                escaped = true
                pos += 2
            case 0x80...:
                pos += 1
            default:
                throw GiveUp()
            }
        }
    }

    /// A JSON integer at `pos` (no fraction, no exponent, no leading zero) that fits an `Int`.
    private mutating func integer() throws(GiveUp) -> Int {
        let negative = take(UInt8(ascii: "-"))
        let start = pos
        var value = 0
        while pos < end, base[pos] &- 48 < 10 {
            guard pos - start < 18 else { throw GiveUp() }
            value = value * 10 + Int(base[pos] &- 48)
            pos += 1
        }
        guard pos > start, !(base[start] == UInt8(ascii: "0") && pos - start > 1) else { throw GiveUp() }
        if pos < end, base[pos] == UInt8(ascii: ".") || base[pos] | 0x20 == UInt8(ascii: "e") { throw GiveUp() }
        return negative ? -value : value
    }

    private mutating func skipValue(depth: Int) throws(GiveUp) {
        guard pos < end, depth <= Self.maxDepth else { throw GiveUp() }
        switch base[pos] {
        case UInt8(ascii: "\""):
            _ = try passString()
        case UInt8(ascii: "{"):
            pos += 1
            var member = Member.first
            while try nextMember(&member) != nil { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            pos += 1
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return }
            repeat {
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = pos
            while pos < end, base[pos] &- 48 < 10 || base[pos] == UInt8(ascii: "-") || base[pos] == UInt8(ascii: "+")
                || base[pos] == UInt8(ascii: ".") || base[pos] | 0x20 == UInt8(ascii: "e") { pos += 1 }
            guard pos > start else { throw GiveUp() }
        default:
            throw GiveUp()
        }
    }

    private mutating func literal(_ word: StaticString) throws(GiveUp) {
        let n = word.utf8CodeUnitCount
        guard pos + n <= end, memcmp(base + pos, word.utf8Start, n) == 0 else { throw GiveUp() }
        pos += n
    }

    private var peek: UInt8? { pos < end ? base[pos] : nil }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard pos < end, base[pos] == byte else { return false }
        pos += 1
        return true
    }

    private mutating func expect(_ byte: UInt8) throws(GiveUp) {
        guard take(byte) else { throw GiveUp() }
    }

    private mutating func skipWhitespace() {
        while pos < end, base[pos] == 0x20 || base[pos] == 0x0A || base[pos] == 0x0D || base[pos] == 0x09 { pos += 1 }
    }

    /// A member's key, as it lies in the answer.
    private struct Key {
        let bytes: UnsafeBufferPointer<UInt8>

        func equals(_ literal: StaticString) -> Bool {
            bytes.count == literal.utf8CodeUnitCount && memcmp(bytes.baseAddress!, literal.utf8Start, bytes.count) == 0
        }
    }
}
