#if canImport(Glibc)
import Glibc
#endif
import LogModel

/// Encodes events as one `_bulk` NDJSON body: per event a `create` action line naming the daily index and
/// `_id` = event id, then the stored document; every line ends with `\n`, the last one too (protocols.md 3.1).
package enum BulkRequestBody {
    /// Elasticsearch refuses longer `_id`s.
    static let maxIDBytes = 512

    /// Why this event cannot be sent at all (a permanent rejection), or nil.
    package static func problem(with event: SpooledEvent) -> String? {
        if event.id.isEmpty { return "the event has an empty id (no _id to store it under)" }
        if event.id.utf8.count > maxIDBytes { return "the event id is \(event.id.utf8.count) bytes; Elasticsearch allows \(maxIDBytes)" }
        let firstByte = event.json.first { !isJSONWhitespace($0) }
        if firstByte != UInt8(ascii: "{") { return "the stored document is not a JSON object" }
        return nil
    }

    /// The body, written through a pointer into one allocation sized for the worst case (every id
    /// byte escaped): appending to `[UInt8]` piece by piece and scanning each document for line breaks a
    /// byte at a time came to ~6.8k instructions an event (`intake-bench delivery BODY 3 es`).
    package static func encode(_ events: [SpooledEvent], indexPrefix: String) -> [UInt8] {
        let capacity = events.reduce(0) { $0 + $1.json.count + 6 * $1.id.utf8.count + indexPrefix.utf8.count + 64 }
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            let start = buffer.baseAddress!
            var out = start
            // A batch's events nearly all fall on one day: the index name is formatted once per day.
            var day = Int64.min
            var index: [UInt8] = []
            for event in events {
                let eventDay = DailyIndex.floorDiv(event.timestampMillis, DailyIndex.millisPerDay)
                if eventDay != day {
                    day = eventDay
                    index = Array(DailyIndex.name(prefix: indexPrefix, day: eventDay).utf8)
                }
                out = put(#"{"create":{"_index":""#, at: out)
                out = index.withUnsafeBufferPointer { put($0, at: out) }
                out = put(#"","_id":"#, at: out)
                out = putJSONString(event.id, at: out)
                out = put("}}\n", at: out)
                out = event.json.withUnsafeBufferPointer { putSingleLine($0, at: out) }
                out.pointee = UInt8(ascii: "\n")
                out += 1
            }
            count = out - start
        }
    }

    private static func put(_ literal: StaticString, at out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        out.update(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
        return out + literal.utf8CodeUnitCount
    }

    private static func put(_ bytes: UnsafeBufferPointer<UInt8>, at out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        guard let base = bytes.baseAddress else { return out }
        out.update(from: base, count: bytes.count)
        return out + bytes.count
    }

    /// A raw CR/LF can only be whitespace between JSON tokens (inside strings it must be escaped), so
    /// turning it into a space keeps the document identical while keeping the NDJSON framing intact.
    /// Stored documents have none: `memchr` finds that out at a few bytes a cycle.
    private static func putSingleLine(_ json: UnsafeBufferPointer<UInt8>, at out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        guard let base = json.baseAddress else { return out }
        out.update(from: base, count: json.count)
        if memchr(base, 0x0A, json.count) != nil || memchr(base, 0x0D, json.count) != nil {
            for i in 0..<json.count where out[i] == 0x0A || out[i] == 0x0D { out[i] = 0x20 }
        }
        return out + json.count
    }

    /// `string` as a JSON string: at most six bytes for each of its bytes, and the quotes.
    private static func putJSONString(_ string: String, at start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        if let end = string.utf8.withContiguousStorageIfAvailable({ putJSONString($0, at: start) }) { return end }
        return Array(string.utf8).withUnsafeBufferPointer { putJSONString($0, at: start) }
    }

    private static func putJSONString(_ bytes: UnsafeBufferPointer<UInt8>, at start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var out = start
        out.pointee = UInt8(ascii: "\"")
        out += 1
        // An event id needs no escape: copied whole when none of its bytes does.
        if !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out = put(bytes, at: out)
            out.pointee = UInt8(ascii: "\"")
            return out + 1
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out[0] = UInt8(ascii: "\\")
                out[1] = byte
                out += 2
            case 0..<0x20:
                let hex: StaticString = "0123456789abcdef"
                out = put("\\u00", at: out)
                out[0] = hex.utf8Start[Int(byte >> 4)]
                out[1] = hex.utf8Start[Int(byte & 0x0F)]
                out += 2
            default:
                out.pointee = byte
                out += 1
            }
        }
        out.pointee = UInt8(ascii: "\"")
        return out + 1
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
