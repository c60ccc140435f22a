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

    package static func scan(_ body: UnsafeBufferPointer<UInt8>) -> BulkResponse? {
        guard let base = body.baseAddress else { return nil }
        var scanner = BulkAnswerScanner(base: base, end: body.count)
        return scanner.root()
    }

    private init(base: UnsafePointer<UInt8>, end: Int) {
        self.base = base
        self.end = end
    }

    // MARK: The answer's shape

    private mutating func root() -> BulkResponse? {
        skipWhitespace()
        var errors: Bool?
        var items: [BulkResponse.Item]?
        guard take(UInt8(ascii: "{")) else { return nil }
        var member = Member.first
        while true {
            switch nextMember(&member) {
            case .end:
                skipWhitespace()
                guard pos == end, let items else { return nil }
                return BulkResponse(errors: errors, items: items)
            case .malformed:
                return nil
            case .key(let key):
                if key.equals("items") {
                    guard items == nil, let read = self.items() else { return nil }
                    items = read
                    continue
                }
                if key.equals("errors") {
                    guard errors == nil else { return nil }
                    errors = peek == UInt8(ascii: "t") ? true : peek == UInt8(ascii: "f") ? false : nil
                }
                guard skipValue(depth: 1) else { return nil }
            }
        }
    }

    private mutating func items() -> [BulkResponse.Item]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var items: [BulkResponse.Item] = []
        items.reserveCapacity(1024)
        skipWhitespace()
        if take(UInt8(ascii: "]")) { return items }
        while true {
            skipWhitespace()
            guard let item = action() else { return nil }
            items.append(item)
            skipWhitespace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "]")) ? items : nil
        }
    }

    /// `{"create": {…}}`: the first member's object is the item, the rest passed over.
    private mutating func action() -> BulkResponse.Item? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var item: BulkResponse.Item?
        var member = Member.first
        while true {
            switch nextMember(&member) {
            case .end:
                return item
            case .malformed:
                return nil
            case .key:
                if item == nil {
                    guard let read = self.item() else { return nil }
                    item = read
                } else {
                    guard skipValue(depth: 3) else { return nil }
                }
            }
        }
    }

    private mutating func item() -> BulkResponse.Item? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var item = BulkResponse.Item()
        var seenIndex = false, seenStatus = false, seenError = false
        var member = Member.first
        while true {
            switch nextMember(&member) {
            case .end:
                return item
            case .malformed:
                return nil
            case .key(let key):
                if key.equals("_index") {
                    guard !seenIndex, let text = plainString() else { return nil }
                    seenIndex = true
                    item.index = String(decoding: text, as: UTF8.self)
                } else if key.equals("status") {
                    guard !seenStatus, let status = integer() else { return nil }
                    seenStatus = true
                    item.status = status
                } else if key.equals("error") {
                    guard !seenError else { return nil }
                    seenError = true
                    let start = pos
                    guard skipValue(depth: 4) else { return nil }
                    guard let value = try? JSONParser.parse(UnsafeRawBufferPointer(start: base + start, count: pos - start)) else { return nil }
                    item.error = ElasticsearchErrorCause(json: value)
                } else {
                    guard skipValue(depth: 4) else { return nil }
                }
            }
        }
    }

    // MARK: JSON

    private enum Member { case first, next }
    private enum Step { case key(Key), end, malformed }

    /// After an object's `{` or a member's value: the next member's key (with `pos` at its value),
    /// or the object's end.
    private mutating func nextMember(_ member: inout Member) -> Step {
        skipWhitespace()
        if take(UInt8(ascii: "}")) { return .end }
        if member == .next {
            guard take(UInt8(ascii: ",")) else { return .malformed }
            skipWhitespace()
        }
        member = .next
        guard let key = plainString() else { return .malformed }
        skipWhitespace()
        guard take(UInt8(ascii: ":")) else { return .malformed }
        skipWhitespace()
        return .key(Key(bytes: key))
    }

    /// A string at `pos` with no escape: its bytes; nil for an escape or a control character.
    private mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = pos
        while true {
            pos = JSONStringScan.plainASCIIEnd(base, from: pos, to: end)
            guard pos < end else { return nil }
            switch base[pos] {
            case UInt8(ascii: "\""):
                pos += 1
                return UnsafeBufferPointer(start: base + start, count: pos - 1 - start)
            case 0x80...:
                pos += 1
            default:
                return nil
            }
        }
    }

    /// A JSON integer at `pos` (no fraction, no exponent, no leading zero) that fits an `Int`.
    private mutating func integer() -> Int? {
        let negative = take(UInt8(ascii: "-"))
        let start = pos
        var value = 0
        while pos < end, base[pos] &- 48 < 10 {
            guard pos - start < 18 else { return nil }
            value = value * 10 + Int(base[pos] &- 48)
            pos += 1
        }
        guard pos > start, !(base[start] == UInt8(ascii: "0") && pos - start > 1) else { return nil }
        if pos < end, base[pos] == UInt8(ascii: ".") || base[pos] | 0x20 == UInt8(ascii: "e") { return nil }
        return negative ? -value : value
    }

    private mutating func skipValue(depth: Int) -> Bool {
        guard pos < end, depth <= Self.maxDepth else { return false }
        switch base[pos] {
        case UInt8(ascii: "\""):
            return skipString()
        case UInt8(ascii: "{"):
            pos += 1
            var member = Member.first
            while true {
                switch nextMember(&member) {
                case .end: return true
                case .malformed: return false
                case .key: guard skipValue(depth: depth + 1) else { return false }
                }
            }
        case UInt8(ascii: "["):
            pos += 1
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return true }
            while true {
                skipWhitespace()
                guard skipValue(depth: depth + 1) else { return false }
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "]"))
            }
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = pos
            while pos < end, base[pos] &- 48 < 10 || base[pos] == UInt8(ascii: "-") || base[pos] == UInt8(ascii: "+")
                || base[pos] == UInt8(ascii: ".") || base[pos] | 0x20 == UInt8(ascii: "e") { pos += 1 }
            return pos > start
        default:
            return false
        }
    }

    private mutating func skipString() -> Bool {
        pos += 1
        while true {
            pos = JSONStringScan.plainASCIIEnd(base, from: pos, to: end)
            guard pos < end else { return false }
            switch base[pos] {
            case UInt8(ascii: "\""):
                pos += 1
                return true
            case UInt8(ascii: "\\"):
                // The escaped byte (or the `u` of `\uXXXX`, whose digits are plain bytes) is passed over.
                pos += 2
            case 0x80...:
                pos += 1
            default:
                return false
            }
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard pos + n <= end else { return false }
        for i in 0..<n where base[pos + i] != word.utf8Start[i] { return false }
        pos += n
        return true
    }

    private var peek: UInt8? { pos < end ? base[pos] : nil }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard pos < end, base[pos] == byte else { return false }
        pos += 1
        return true
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
