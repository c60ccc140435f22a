/// Makes a label or attribute key one that MongoDB and Elasticsearch both store and read back
/// the same way (ingest/README.md, "Keys"):
///
/// - empty → `_` (MongoDB: "empty key"; Elasticsearch: "field name cannot be an empty string");
/// - every `.` → `_` (Elasticsearch reads `a.b` as the path `a` → `b`, so `{"a.b": 1}` and
///   `{"a": "x"}` would clash in the mapping, and MongoDB refuses dots in keys);
/// - a leading `$` → `_` (MongoDB reserves `$` keys for operators and refuses them);
/// - control characters (U+0000–U+001F, U+007F–U+009F) → `_` (a BSON key is a NUL-terminated
///   C string; the others are invisible in every UI). Invalid UTF-8 never gets here: the
///   parser refuses it;
/// - longer than ``maximumBytes`` UTF-8 bytes → the first 119 bytes (cut on a character
///   boundary) + `~` + 8 hex digits of the whole key's FNV-1a hash, so distinct long keys stay
///   distinct and the same long key always maps to the same field.
///
/// Two keys of one object that end up the same (`a.b` and `a_b`) are resolved by the caller:
/// the first wins and the later one is dropped and counted, as for any duplicate label.
enum StorableKey {
    /// Keys are field names: a real one is short (the longest ECS name is under 60 bytes). A key
    /// past 128 bytes is data used as a key (a URL, a message, an id), and every distinct one
    /// becomes a field in the Elasticsearch mapping (1,000 fields per index by default). Under
    /// `attributes` (Elasticsearch `flattened`) the key path is indexed together with the value,
    /// and `ignore_above` does not cover keys (elastic/elasticsearch#78248): with 8 levels of at
    /// most 128 bytes a path stays far below Lucene's 32,766-byte term limit.
    static let maximumBytes = 128

    /// The storable form of `key`, or `nil` when `key` is storable as it is (no allocation).
    static func normalized(_ key: String) -> String? {
        var key = key
        return key.withUTF8 { bytes -> String? in
            guard needsChange(bytes) else { return nil }
            guard !bytes.isEmpty else { return "_" }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] &- 0x80 < 0x20 {
                    out.append(UInt8(ascii: "_"))  // C1 control, two bytes
                    i += 2
                    continue
                }
                let replace = b < 0x20 || b == 0x7F || b == UInt8(ascii: ".") || (i == 0 && b == UInt8(ascii: "$"))
                out.append(replace ? UInt8(ascii: "_") : b)
                i += 1
            }
            if out.count > maximumBytes { out = shortened(out, hashOf: bytes) }
            return String(decoding: out, as: UTF8.self)
        }
    }

    private static func needsChange(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, first != UInt8(ascii: "$"), bytes.count <= maximumBytes else { return true }
        var previous: UInt8 = 0
        for b in bytes {
            if b < 0x20 || b == 0x7F || b == UInt8(ascii: ".") || (previous == 0xC2 && b &- 0x80 < 0x20) { return true }
            previous = b
        }
        return false
    }

    private static func shortened(_ bytes: [UInt8], hashOf original: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var hash: UInt32 = 0x811C_9DC5
        for b in original { hash = (hash ^ UInt32(b)) &* 0x0100_0193 }
        let suffixBytes = 9  // "~" + 8 hex digits
        var end = maximumBytes - suffixBytes
        // Back up over continuation bytes (10xxxxxx) so the cut lands before a lead byte.
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        var out = Array(bytes[..<end])
        out.append(UInt8(ascii: "~"))
        let hex = Array("0123456789abcdef".utf8)
        for shift in stride(from: 28, through: 0, by: -4) { out.append(hex[Int((hash >> UInt32(shift)) & 0xF)]) }
        return out
    }
}
