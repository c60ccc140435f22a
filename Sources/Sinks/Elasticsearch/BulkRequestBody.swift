import LogModel

/// Encodes events as one `_bulk` NDJSON body: per event a `create` action line naming the daily index and
/// `_id` = event id, then the stored document; every line ends with `\n`, the last one too (protocols.md 3.1).
enum BulkRequestBody {
    /// Elasticsearch refuses longer `_id`s.
    static let maxIDBytes = 512

    /// Why this event cannot be sent at all (a permanent rejection), or nil.
    static func problem(with event: SpooledEvent) -> String? {
        if event.id.isEmpty { return "the event has an empty id (no _id to store it under)" }
        if event.id.utf8.count > maxIDBytes { return "the event id is \(event.id.utf8.count) bytes; Elasticsearch allows \(maxIDBytes)" }
        let firstByte = event.json.first { !isJSONWhitespace($0) }
        if firstByte != UInt8(ascii: "{") { return "the stored document is not a JSON object" }
        return nil
    }

    static func encode(_ events: some Sequence<SpooledEvent>, indexPrefix: String) -> [UInt8] {
        var body: [UInt8] = []
        for event in events {
            body.append(contentsOf: #"{"create":{"_index":""#.utf8)
            body.append(contentsOf: DailyIndex.name(prefix: indexPrefix, timestampMillis: event.timestampMillis).utf8)
            body.append(contentsOf: #"","_id":"#.utf8)
            appendJSONString(event.id, to: &body)
            body.append(contentsOf: "}}\n".utf8)
            appendSingleLine(event.json, to: &body)
            body.append(UInt8(ascii: "\n"))
        }
        return body
    }

    /// A raw CR/LF can only be whitespace between JSON tokens (inside strings it must be escaped), so
    /// turning it into a space keeps the document identical while keeping the NDJSON framing intact.
    private static func appendSingleLine(_ json: [UInt8], to body: inout [UInt8]) {
        if !json.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            body.append(contentsOf: json)
            return
        }
        for byte in json { body.append(byte == 0x0A || byte == 0x0D ? 0x20 : byte) }
    }

    static func appendJSONString(_ string: String, to body: inout [UInt8]) {
        body.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                body.append(UInt8(ascii: "\\"))
                body.append(byte)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                body.append(contentsOf: "\\u00".utf8)
                body.append(hex[Int(byte >> 4)])
                body.append(hex[Int(byte & 0x0F)])
            default:
                body.append(byte)
            }
        }
        body.append(UInt8(ascii: "\""))
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
