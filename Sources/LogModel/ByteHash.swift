/// A fast 64-bit hash of a short byte string, eight bytes at a time, for the tables that look up
/// object keys on the ingest path (the field table, the label-key memo). FNV-1a went byte by byte:
/// ~4 instructions a byte, on every key of every event.
///
/// Every byte counts (the last word overlaps the one before it), so keys that share a prefix and a
/// suffix still spread. Not keyed: only for tables whose collisions cost a comparison, not
/// correctness, and that bound their probing.
public enum ByteHash {
    @inlinable @inline(__always)
    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        var h = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
        guard let base = bytes.baseAddress, n > 0 else { return finish(h) }
        if n < 8 {
            // Two overlapping reads cover every byte without a loop (wyhash's trick): 4 + 4 bytes
            // for 4–7 bytes, first / middle / last byte for 1–3.
            let raw = UnsafeRawPointer(base)
            let word: UInt64
            if n >= 4 {
                word = UInt64(raw.loadUnaligned(as: UInt32.self)) << 32
                    | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            } else {
                word = UInt64(base[0]) << 16 | UInt64(base[n >> 1]) << 8 | UInt64(base[n - 1])
            }
            return finish(step(h, word))
        }
        var i = 0
        while i + 8 <= n {
            h = step(h, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            i += 8
        }
        if i < n { h = step(h, UnsafeRawPointer(base + n - 8).loadUnaligned(as: UInt64.self)) }
        return finish(h)
    }

    /// The hash of `string`'s UTF-8.
    @inlinable
    public static func hash(_ string: String) -> UInt64 {
        if let result = string.utf8.withContiguousStorageIfAvailable({ hash($0) }) { return result }
        return Array(string.utf8).withUnsafeBufferPointer { hash($0) }
    }

    @inlinable @inline(__always)
    static func step(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let m = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
        return m ^ (m >> 31)
    }

    /// Spreads every input bit over the top bits, which the tables use to pick a slot.
    @inlinable @inline(__always)
    static func finish(_ h: UInt64) -> UInt64 {
        let m = (h ^ (h >> 29)) &* 0x94D0_49BB_1331_11EB
        return m ^ (m >> 32)
    }
}
