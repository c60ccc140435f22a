/// A UUID version 7 as its 128 bits. The intake writes its 36-character text straight into the
/// stored document and the spool record (``writeText(to:)``); making a `String` of it first cost
/// an allocation, a UTF-8 check and a release per event. ``text`` is there for callers that want one.
public struct UUIDv7: Sendable, Hashable {
    /// 48 ms | 4 version (7) | 12 rand_a.
    public let high: UInt64
    /// 2 variant (10) | 62 rand_b.
    public let low: UInt64

    /// The length of the canonical text (`01936f3e-7c1a-7c3e-9b1e-2f4d5a6b7c8d`).
    public static let textLength = 36

    public init(millis: UInt64, randA: UInt64, randB: UInt64) {
        high = (millis & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (randA & 0xFFF)
        low = 0x8000_0000_0000_0000 | (randB & 0x3FFF_FFFF_FFFF_FFFF)
    }

    /// The lowercase canonical text.
    public var text: String {
        String(unsafeUninitializedCapacity: Self.textLength) { buffer in
            writeText(to: buffer.baseAddress!)
            return Self.textLength
        }
    }

    /// Writes the lowercase canonical text into the 36 bytes at `out`: eight hex digits at a time
    /// (``hex8(_:)``), a digit per nibble in a loop cost ~160 instructions an id, written twice
    /// an event (the record's header and the document).
    public func writeText(to out: UnsafeMutablePointer<UInt8>) {
        let raw = UnsafeMutableRawPointer(out)
        // The groups are 8-4-4-4-12 digits; the two 4-digit pairs of `high` and the 4 + 4 digits
        // around the last dash are each made in one go and stored in halves.
        let first = Self.hex8(UInt32(truncatingIfNeeded: high >> 32))
        let middle = Self.hex8(UInt32(truncatingIfNeeded: high))
        let variant = Self.hex8(UInt32(truncatingIfNeeded: low >> 48) << 16 | UInt32(truncatingIfNeeded: low & 0xFFFF))
        let node = Self.hex8(UInt32(truncatingIfNeeded: low >> 16))
        raw.storeBytes(of: first, as: UInt64.self)
        out[8] = UInt8(ascii: "-")
        raw.storeBytes(of: UInt32(truncatingIfNeeded: middle), toByteOffset: 9, as: UInt32.self)
        out[13] = UInt8(ascii: "-")
        raw.storeBytes(of: UInt32(truncatingIfNeeded: middle >> 32), toByteOffset: 14, as: UInt32.self)
        out[18] = UInt8(ascii: "-")
        raw.storeBytes(of: UInt32(truncatingIfNeeded: variant), toByteOffset: 19, as: UInt32.self)
        out[23] = UInt8(ascii: "-")
        raw.storeBytes(of: node, toByteOffset: 24, as: UInt64.self)
        raw.storeBytes(of: UInt32(truncatingIfNeeded: variant >> 32), toByteOffset: 32, as: UInt32.self)
    }

    /// The eight lowercase hex digits of `value` as the bytes of a word that, stored, reads left to
    /// right (``writeText(to:)`` stores its halves as the low and high 32 bits: little-endian only,
    /// as every platform this runs on):
    /// each nibble spread to a byte of its own, then `0`–`9` / `a`–`f` added to all eight at once.
    @inline(__always)
    static func hex8(_ value: UInt32) -> UInt64 {
        var x = UInt64(value)
        x = (x | x << 16) & 0x0000_FFFF_0000_FFFF
        x = (x | x << 8) & 0x00FF_00FF_00FF_00FF
        x = (x | x << 4) & 0x0F0F_0F0F_0F0F_0F0F
        // Byte k now holds nibble k (the least significant first); 1 in each byte of a nibble ≥ 10.
        let letters = ((x &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        let ascii = x &+ 0x3030_3030_3030_3030 &+ letters &* 0x27  // '0' + n, or 'a' + n - 10
        return ascii.bigEndian
    }
}

extension JSONByteBuffer {
    /// Appends `id`'s text as a JSON string (it never needs escaping).
    public mutating func appendUUID(_ id: UUIDv7) {
        let n = UUIDv7.textLength + 2
        if written + n > capacity { grow(minimum: written + n) }
        base[written] = UInt8(ascii: "\"")
        id.writeText(to: base + written + 1)
        base[written + n - 1] = UInt8(ascii: "\"")
        written += n
    }
}
