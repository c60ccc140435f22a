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

    static func encode(_ events: some Collection<SpooledEvent>, indexPrefix: String) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(events.reduce(0) { $0 + $1.json.count + $1.id.utf8.count + indexPrefix.utf8.count + 48 })
        // A batch's events nearly all fall on one day: the index name is formatted once per day.
        var day = Int64.min
        var index: [UInt8] = []
        for event in events {
            let eventDay = DailyIndex.floorDiv(event.timestampMillis, DailyIndex.millisPerDay)
            if eventDay != day {
                day = eventDay
                index = Array(DailyIndex.name(prefix: indexPrefix, day: eventDay).utf8)
            }
            body.append(contentsOf: #"{"create":{"_index":""#.utf8)
            body.append(contentsOf: index)
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
        let start = body.count
        body.append(contentsOf: json)
        body.withUnsafeMutableBufferPointer { buffer in
            for i in start..<buffer.count where buffer[i] == 0x0A || buffer[i] == 0x0D { buffer[i] = 0x20 }
        }
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
