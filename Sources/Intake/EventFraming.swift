#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LogModel
import Transforms

/// Finds the events in a decoded body and parses each one on its own, so one bad event is one
/// error and the rest of the request still counts.
///
/// - NDJSON: events are lines (`\n`, an optional `\r` before it is dropped); lines holding only
///   spaces and tabs are skipped and do not take an index. A line over the event limit is
///   rejected without being parsed.
/// - JSON: one value, or a top-level array whose elements are the events. Elements are delimited
///   by a quick scan that tracks strings and bracket depth without building values, then parsed
///   strictly one by one; an element over the event limit is rejected without being parsed. A
///   malformed element is an error for that index only, as long as the scan can still see where
///   it ends. Bytes after the closing `]` (or after a single object) are reported as one more
///   error at the next index: they are likely events the sender meant as NDJSON.
/// - A UTF-8 byte order mark at the start of the body is ignored.
enum EventFraming {
    /// One event as read: flat (see ``FlatEvent``, most events; valid only during the visit) or as a tree.
    enum Event {
        case flat(FlatEvent)
        case tree(JSONObject)
    }

    typealias Visitor = (_ index: Int, _ result: Result<Event, EventError>) -> Void

    /// Calls `visit` for every event in order and returns how many there were.
    static func forEachEvent(
        in body: UnsafeRawBufferPointer, format: BodyFormat, limits: IngestLimits, _ visit: Visitor
    ) -> Int {
        guard let base = body.baseAddress?.assumingMemoryBound(to: UInt8.self), body.count > 0 else { return 0 }
        var start = 0
        if body.count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { start = 3 }
        let bytes = UnsafeBufferPointer(start: base + start, count: body.count - start)
        // The events of one body repeat their keys: each event's are reused for the next.
        var reader = EventReader(limits: limits)
        switch format {
        case .ndjson: return forEachLine(in: bytes, reader: &reader, visit)
        case .json: return forEachJSONEvent(in: bytes, reader: &reader, visit)
        }
    }

    // MARK: - NDJSON

    private static func forEachLine(in bytes: UnsafeBufferPointer<UInt8>, reader: inout EventReader, _ visit: Visitor) -> Int {
        let base = bytes.baseAddress!
        let end = bytes.count
        var lineStart = 0
        var index = 0
        while lineStart < end {
            // memchr: the line end is the one byte the whole body is scanned for (~1,000 instructions an event byte by byte).
            var lineEnd = end
            if let newline = memchr(base + lineStart, 0x0A, end - lineStart) {
                lineEnd = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            }
            let next = lineEnd + 1
            if lineEnd > lineStart, base[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            var blank = true
            var k = lineStart
            while k < lineEnd {
                let c = base[k]
                if c != 0x20, c != 0x09, c != 0x0D {
                    blank = false
                    break
                }
                k += 1
            }
            if !blank {
                let line = UnsafeBufferPointer(start: base + lineStart, count: lineEnd - lineStart)
                visit(index, reader.read(line))
                index += 1
            }
            lineStart = next
        }
        return index
    }

    // MARK: - JSON

    private static func forEachJSONEvent(in bytes: UnsafeBufferPointer<UInt8>, reader: inout EventReader, _ visit: Visitor) -> Int {
        let base = bytes.baseAddress!
        let end = bytes.count
        var pos = skipWhitespace(base, 0, end)
        guard pos < end else { return 0 }
        guard base[pos] == UInt8(ascii: "[") else {
            // A single value: the whole body is the event.
            let valueEnd = trimTrailingWhitespace(base, pos, end)
            visit(0, reader.read(UnsafeBufferPointer(start: base + pos, count: valueEnd - pos)))
            return 1
        }
        pos += 1
        var index = 0
        pos = skipWhitespace(base, pos, end)
        if pos < end, base[pos] == UInt8(ascii: "]") {
            return reportTrailing(base, pos + 1, end, index: 0, visit)
        }
        while true {
            let elementStart = pos
            let (elementEnd, terminator) = scanElement(base, pos, end)
            let trimmedEnd = trimTrailingWhitespace(base, elementStart, elementEnd)
            if trimmedEnd == elementStart {
                let what = terminator == nil ? "end of input" : "'\(Character(UnicodeScalar(base[elementEnd])))'"
                visit(index, .failure(EventError(
                    code: EventError.invalidJSON,
                    message: "empty array element: unexpected \(what) at byte \(elementEnd) of the body")))
            } else {
                visit(index, reader.read(UnsafeBufferPointer(start: base + elementStart, count: trimmedEnd - elementStart)))
            }
            index += 1
            guard let terminator else {
                return index  // unterminated array: the last element's parse error says so
            }
            pos = elementEnd + 1
            if terminator == UInt8(ascii: "]") {
                return reportTrailing(base, pos, end, index: index, visit)
            }
            pos = skipWhitespace(base, pos, end)
        }
    }

    /// Scans one array element from `pos`: returns where it ends and the `,` or `]` that ended it
    /// (`nil` when the input ended first). Closing brackets that do not match an opening one are
    /// left for the strict parse to report.
    private static func scanElement(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Int, UInt8?) {
        var pos = start
        var depth = 0
        while pos < end {
            let c = base[pos]
            switch c {
            case UInt8(ascii: "\""):
                pos += 1
                while pos < end, base[pos] != UInt8(ascii: "\"") {
                    pos += base[pos] == UInt8(ascii: "\\") ? 2 : 1
                }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "}"):
                if depth > 0 { depth -= 1 }
            case UInt8(ascii: "]"):
                if depth == 0 { return (pos, c) }
                depth -= 1
            case UInt8(ascii: ","):
                if depth == 0 { return (pos, c) }
            default:
                break
            }
            pos += 1
        }
        return (end, nil)
    }

    private static func reportTrailing(_ base: UnsafePointer<UInt8>, _ pos: Int, _ end: Int, index: Int, _ visit: Visitor) -> Int {
        let rest = skipWhitespace(base, pos, end)
        guard rest < end else { return index }
        visit(index, .failure(EventError(
            code: EventError.invalidJSON,
            message: "unexpected data at byte \(rest) of the body after the JSON array; send one array of objects, "
                + "or use Content-Type application/x-ndjson for one object per line")))
        return index + 1
    }

    // MARK: - One event

    /// Reads one event at a time, keeping what the events of a body share: the previous event's
    /// keys and the flat members' storage.
    struct EventReader {
        let limits: IngestLimits
        let keys = JSONKeyReuse()
        private var flatMembers: [FlatMember] = []
        /// A flat event is an object, so it needs a depth of 1.
        private let readsFlat: Bool

        init(limits: IngestLimits) {
            self.limits = limits
            readsFlat = limits.maxEventDepth >= 1
        }

        /// The event in `bytes`: flat when it is one, else the tree (or why it is not an event). Drop
        /// a flat event before reading the next: the next one reuses its members' storage.
        mutating func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Event, EventError> {
            guard bytes.count <= limits.maxEventBytes else {
                return .failure(.tooLarge(bytes: bytes.count, limit: limits.maxEventBytes))
            }
            if readsFlat, JSONParser.readFlat(bytes, reusingKeys: keys, into: &flatMembers) {
                return .success(.flat(FlatEvent(bytes: bytes, members: flatMembers)))
            }
            do throws(JSONParseError) {
                let value = try JSONParser.parse(UnsafeRawBufferPointer(bytes), maxDepth: limits.maxEventDepth, reusingKeys: keys)
                guard case .object(let object) = value else { return .failure(.notObject(value)) }
                return .success(.tree(object))
            } catch {
                return .failure(EventError(error))
            }
        }
    }

    @inline(__always)
    private static func isWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

    private static func skipWhitespace(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var pos = start
        while pos < end, isWhitespace(base[pos]) { pos += 1 }
        return pos
    }

    private static func trimTrailingWhitespace(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var pos = end
        while pos > start, isWhitespace(base[pos - 1]) { pos -= 1 }
        return pos
    }
}
