/// Cuts a listener's queue into request bodies the intake takes: each at most `maxBytes` (the
/// intake's `max_body_bytes`), in order, whole lines only. A line longer than `maxBytes` goes alone
/// (the intake refuses it by itself, and nothing else with it).
enum ListenerChunks {
    static func ranges(of lines: ArraySlice<[UInt8]>, maxBytes: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = lines.startIndex, bytes = 0
        for i in lines.indices {
            let size = lines[i].count
            if i > start, bytes + size > maxBytes {
                ranges.append(start..<i)
                (start, bytes) = (i, 0)
            }
            bytes += size
        }
        if start < lines.endIndex { ranges.append(start..<lines.endIndex) }
        return ranges
    }
}
