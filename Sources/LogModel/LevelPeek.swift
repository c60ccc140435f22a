/// Finds `"level":"<name>"` in a stored document without parsing it, so events below every route's
/// level (most of the traffic) cost a byte scan, not a JSON parse. Looks at the first 1,024 bytes (the
/// stored document puts `level` near the start; a spool record's short header holds no `"level":"`).
public enum LevelPeek {
    static let needle = Array("\"level\":\"".utf8)

    public static func level(in json: [UInt8]) -> Level? {
        json.withUnsafeBufferPointer { b -> Level? in
            let limit = min(b.count, 1024)
            let n = needle.count
            guard limit > n else { return nil }
            var i = 0
            // Compare the whole needle only where `"l` starts: one or two byte compares per position.
            while i <= limit - n {
                if b[i] == 0x22, b[i + 1] == 0x6C {
                    var k = 2
                    while k < n, b[i + k] == needle[k] { k += 1 }
                    if k == n {
                        let start = i + n
                        var end = start
                        while end < b.count, end - start < 16, b[end] != 0x22 { end += 1 }
                        return Level(name: String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self))
                    }
                }
                i += 1
            }
            return nil
        }
    }
}
