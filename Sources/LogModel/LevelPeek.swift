#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds `"level":"<name>"` in a stored document without parsing it, so events below every route's
/// level (most of the traffic) cost a byte scan, not a JSON parse. Looks at the first 1,024 bytes (the
/// stored document puts `level` near the start; a spool record's short header holds no `"level":"`).
public enum LevelPeek {
    /// The level in `json[start...]` (a spool record's document starts after its header).
    public static func level(in json: [UInt8], from start: Int = 0) -> Level? {
        json.withUnsafeBufferPointer { level(in: $0, from: start) }
    }

    /// ``level(in:from:)-([UInt8],_)`` in bytes lent where they lie.
    public static func level(in whole: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Level? {
        let b = UnsafeBufferPointer(rebasing: whole[min(start, whole.count)...])
        guard let range = StoredFieldPeek.value(after: StoredFieldPeek.level, in: b, maxLength: 16) else { return nil }
        return Level(name: UnsafeBufferPointer(rebasing: b[range]))
    }

    /// Where the stored document's `service.name` is in `json` (compare `json[range]` with a name's
    /// UTF-8), looking from `start`: `nil` when it cannot tell (not in the first 1,024 bytes, or
    /// written with escapes), and the caller must parse.
    public static func serviceName(in json: [UInt8], from start: Int = 0) -> Range<Int>? {
        json.withUnsafeBufferPointer { serviceName(in: $0, from: start) }
    }

    /// ``serviceName(in:from:)-([UInt8],_)`` in bytes lent where they lie.
    public static func serviceName(in whole: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Range<Int>? {
        let from = min(start, whole.count)
        let b = UnsafeBufferPointer(rebasing: whole[from...])
        guard let range = StoredFieldPeek.value(after: StoredFieldPeek.serviceName, in: b, maxLength: 256),
              !b[range].contains(UInt8(ascii: "\\")) else { return nil }
        return (range.lowerBound + from)..<(range.upperBound + from)
    }
}

/// The byte scan behind ``LevelPeek``. A stored document's string values have their quotes
/// escaped, so the first `"level":"` or `"service":{"name":"` in it is the member itself.
enum StoredFieldPeek {
    /// A needle and the index of its rarest byte in a stored document, which memchr (SIMD) hops to:
    /// `v` occurs before `"level"` only in `"event"`, `{` only at the objects' starts. A byte loop
    /// over every position cost ~10 instructions a byte, on every event a best-effort reader takes.
    struct Needle {
        let bytes: [UInt8]
        let anchor: Int
    }

    static let level = Needle(bytes: Array("\"level\":\"".utf8), anchor: 4)
    static let serviceName = Needle(bytes: Array("\"service\":{\"name\":\"".utf8), anchor: 10)

    /// The bytes between `needle` and the next `"`, when the needle lies in the first 1,024 bytes
    /// and the value ends within `maxLength` bytes.
    static func value(after needle: Needle, in b: UnsafeBufferPointer<UInt8>, maxLength: Int) -> Range<Int>? {
        let limit = min(b.count, 1024)
        let n = needle.bytes.count
        guard limit > n, let base = b.baseAddress else { return nil }
        let anchorByte = Int32(needle.bytes[needle.anchor])
        // The anchor of a match lies in anchor ..< limit - n + anchor + 1.
        var from = needle.anchor
        let end = limit - n + needle.anchor + 1
        var start = -1
        while from < end, let hit = memchr(base + from, anchorByte, end - from) {
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) - needle.anchor
            let equal = needle.bytes.withUnsafeBytes { memcmp(base + at, $0.baseAddress!, n) == 0 }
            if equal {
                start = at + n
                break
            }
            from = at + needle.anchor + 1
        }
        guard start >= 0 else { return nil }
        var stop = start
        while stop < b.count, stop - start < maxLength, b[stop] != 0x22 { stop += 1 }
        return stop < b.count && b[stop] == 0x22 ? start..<stop : nil
    }
}
