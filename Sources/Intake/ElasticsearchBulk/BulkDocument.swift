import LogModel
import NIOCore

/// Writes one `_bulk` document as a line of the hub's NDJSON with `event.id` and `event.dataset`
/// added last: of duplicate keys the intake's parser keeps the last, so `_id` and `_index` win over
/// what the document says. A document that is not an object is passed on as it is, and the
/// normaliser refuses it as that item's error.
enum BulkDocument {
    static func write(_ document: ByteBuffer, id: String, dataset: String?, to out: inout ByteBuffer) {
        let view = document.readableBytesView
        guard let open = view.firstIndex(where: { !Self.isSpace($0) }), view[open] == UInt8(ascii: "{"),
              let close = view.lastIndex(where: { !Self.isSpace($0) }), close > open, view[close] == UInt8(ascii: "}")
        else {
            out.writeImmutableBuffer(document)
            out.writeInteger(UInt8(ascii: "\n"))
            return
        }
        let isEmptyObject = view[view.index(after: open)..<close].allSatisfy(Self.isSpace)
        out.writeBytes(view[view.startIndex..<close])
        out.writeString(isEmptyObject ? "\"event.id\":" : ",\"event.id\":")
        out.writeBytes(JSONValue.string(id).serialized())
        if let dataset {
            out.writeString(",\"event.dataset\":")
            out.writeBytes(JSONValue.string(dataset).serialized())
        }
        out.writeString("}\n")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }
}

/// Ids between Elasticsearch's `_id` and the hub's event id.
public enum BulkDocumentID {
    /// Elasticsearch's `_id` may be any string up to 512 bytes; the hub's event id is 1–64 of
    /// `[A-Za-z0-9_-]`. A valid one is used as it is; any other is mapped to `es-` and 32 hex digits
    /// of a hash of it, so the same `_id` always gives the same event id (a resent item is stored once).
    public static func eventID(for id: String) -> String {
        if EventID.isValidClientID(id) { return id }
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in id.utf8 {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            second = (second ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            second ^= second >> 29
        }
        return "es-" + hex(first) + hex(second)
    }

    /// A new id for a document sent without `_id`: 20 characters of base64url, as Elasticsearch's own.
    public static func automatic() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<20).map { _ in alphabet[Int(generator.next() % 64)] }, as: UTF8.self)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
