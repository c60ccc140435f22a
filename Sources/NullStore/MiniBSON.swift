import NIOCore

/// Just enough BSON for the null store: write small reply documents, and walk a request document's
/// top-level elements (the command name, `$db`, the collection, the `documents` array's length).
enum MiniBSON {
    indirect enum Value {
        case double(Double), string(String), document([(String, Value)]), array([Value]), bool(Bool)
        case date(Int64), int32(Int32), int64(Int64)
    }

    static func write(_ elements: [(String, Value)], to buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeInteger(Int32(0), endianness: .little)
        for (key, value) in elements { writeElement(key, value, to: &buffer) }
        buffer.writeInteger(UInt8(0))
        buffer.setInteger(Int32(buffer.writerIndex - start), at: start, endianness: .little)
    }

    private static func writeElement(_ key: String, _ value: Value, to buffer: inout ByteBuffer) {
        func header(_ type: UInt8) {
            buffer.writeInteger(type)
            buffer.writeString(key)
            buffer.writeInteger(UInt8(0))
        }
        switch value {
        case .double(let d): header(0x01); buffer.writeInteger(d.bitPattern, endianness: .little)
        case .string(let s):
            header(0x02)
            buffer.writeInteger(Int32(s.utf8.count + 1), endianness: .little)
            buffer.writeString(s)
            buffer.writeInteger(UInt8(0))
        case .document(let elements): header(0x03); write(elements, to: &buffer)
        case .array(let values): header(0x04); write(values.enumerated().map { (String($0.offset), $0.element) }, to: &buffer)
        case .bool(let b): header(0x08); buffer.writeInteger(UInt8(b ? 1 : 0))
        case .date(let millis): header(0x09); buffer.writeInteger(millis, endianness: .little)
        case .int32(let i): header(0x10); buffer.writeInteger(i, endianness: .little)
        case .int64(let i): header(0x12); buffer.writeInteger(i, endianness: .little)
        }
    }

    /// One top-level element of a document: its key, type and where its value lies in the buffer.
    struct Element {
        var key: String
        var type: UInt8
        var valueAt: Int
        var valueLength: Int
    }

    /// The top-level elements of the document at `at` (nil when it is malformed).
    static func elements(of buffer: ByteBuffer, at start: Int) -> [Element]? {
        guard let length: Int32 = buffer.getInteger(at: start, endianness: .little), length >= 5 else { return nil }
        let end = start + Int(length) - 1
        var at = start + 4
        var found: [Element] = []
        while at < end {
            guard let type: UInt8 = buffer.getInteger(at: at) else { return nil }
            at += 1
            guard let keyEnd = buffer.readableBytesView[at...].firstIndex(of: 0) else { return nil }
            let key = buffer.getString(at: at, length: keyEnd - at) ?? ""
            at = keyEnd + 1
            guard let size = valueLength(type: type, in: buffer, at: at) else { return nil }
            found.append(Element(key: key, type: type, valueAt: at, valueLength: size))
            at += size
        }
        return found
    }

    private static func valueLength(type: UInt8, in buffer: ByteBuffer, at: Int) -> Int? {
        func int32() -> Int? { buffer.getInteger(at: at, endianness: .little, as: Int32.self).map(Int.init) }
        switch type {
        case 0x01, 0x09, 0x11, 0x12: return 8
        case 0x02, 0x0D, 0x0E: return int32().map { $0 + 4 }
        case 0x03, 0x04, 0x0F: return int32()
        case 0x05: return int32().map { $0 + 5 }
        case 0x07: return 12
        case 0x08: return 1
        case 0x0A, 0x06, 0xFF, 0x7F: return 0
        case 0x10: return 4
        case 0x13: return 16
        case 0x0B:
            guard let first = buffer.readableBytesView[at...].firstIndex(of: 0),
                  let second = buffer.readableBytesView[(first + 1)...].firstIndex(of: 0) else { return nil }
            return second + 1 - at
        default: return nil
        }
    }

    static func string(_ element: Element, in buffer: ByteBuffer) -> String? {
        guard element.type == 0x02 else { return nil }
        return buffer.getString(at: element.valueAt + 4, length: element.valueLength - 5)
    }
}
