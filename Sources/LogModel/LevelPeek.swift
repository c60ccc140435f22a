/// Finds `"level":"<name>"` in a stored document without parsing it, so events below every route's
/// level (most of the traffic) cost a byte scan, not a JSON parse. Looks at the first 1,024 bytes (the
/// stored document puts `level` near the start; a spool record's short header holds no `"level":"`).
public enum LevelPeek {
    public static func level(in json: [UInt8]) -> Level? {
        json.withUnsafeBufferPointer { b -> Level? in
            guard let range = StoredFieldPeek.value(after: StoredFieldPeek.level, in: b, maxLength: 16) else { return nil }
            return Level(name: String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self))
        }
    }

    /// Where the stored document's `service.name` is in `json` (compare `json[range]` with a name's
    /// UTF-8): `nil` when it cannot tell (not in the first 1,024 bytes, or written with escapes), and
    /// the caller must parse.
    public static func serviceName(in json: [UInt8]) -> Range<Int>? {
        json.withUnsafeBufferPointer { b -> Range<Int>? in
            guard let range = StoredFieldPeek.value(after: StoredFieldPeek.serviceName, in: b, maxLength: 256),
                  !b[range].contains(UInt8(ascii: "\\")) else { return nil }
            return range
        }
    }
}

/// The byte scan behind ``LevelPeek``. A stored document's string values have their quotes
/// escaped, so the first `"level":"` or `"service":{"name":"` in it is the member itself.
enum StoredFieldPeek {
    static let level = Array("\"level\":\"".utf8)
    static let serviceName = Array("\"service\":{\"name\":\"".utf8)

    /// The bytes between `needle` and the next `"`, when the needle starts in the first 1,024 bytes
    /// and the value ends within `maxLength` bytes.
    static func value(after needle: [UInt8], in b: UnsafeBufferPointer<UInt8>, maxLength: Int) -> Range<Int>? {
        let limit = min(b.count, 1024)
        let n = needle.count
        guard limit > n else { return nil }
        let first = needle[0], second = needle[1]
        var i = 0
        // Compare the whole needle only where its first two bytes match: one or two compares per position.
        while i <= limit - n {
            if b[i] == first, b[i + 1] == second {
                var k = 2
                while k < n, b[i + k] == needle[k] { k += 1 }
                if k == n {
                    let start = i + n
                    var end = start
                    while end < b.count, end - start < maxLength, b[end] != 0x22 { end += 1 }
                    return end < b.count && b[end] == 0x22 ? start..<end : nil
                }
            }
            i += 1
        }
        return nil
    }
}
