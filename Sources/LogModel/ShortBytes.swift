/// Up to eight bytes gathered into one word without a loop, for "does any byte …" tests of short
/// strings (keys, levels, methods) that would otherwise walk them byte by byte. Every byte of the
/// word is one of the string's bytes (some repeated), so a test that flags any byte tests exactly
/// the string's bytes.
public enum ShortBytes {
    /// The word of `bytes`, 1 to 8 of them: two overlapping reads as in ``ByteHash``, or for 1–3
    /// bytes the first, middle and last repeated.
    @inlinable @inline(__always)
    public static func word(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        if n == 8 { return raw.loadUnaligned(as: UInt64.self) }
        if n >= 4 {
            return UInt64(raw.loadUnaligned(as: UInt32.self))
                | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
        }
        let three = UInt64(bytes[0]) | UInt64(bytes[n >> 1]) << 8 | UInt64(bytes[n - 1]) << 16
        return three | three << 24 | three << 48
    }
}
