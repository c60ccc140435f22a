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

    /// Writes the lowercase canonical text into the 36 bytes at `out`.
    public func writeText(to out: UnsafeMutablePointer<UInt8>) {
        Self.put(high >> 32, nibbles: 8, at: out)
        out[8] = UInt8(ascii: "-")
        Self.put(high >> 16, nibbles: 4, at: out + 9)
        out[13] = UInt8(ascii: "-")
        Self.put(high, nibbles: 4, at: out + 14)
        out[18] = UInt8(ascii: "-")
        Self.put(low >> 48, nibbles: 4, at: out + 19)
        out[23] = UInt8(ascii: "-")
        Self.put(low, nibbles: 12, at: out + 24)
    }

    /// The low `nibbles` hex digits of `value`, most significant first. The digits come from a
    /// static string's bytes: no array bounds check or lazy global per digit.
    @inline(__always)
    private static func put(_ value: UInt64, nibbles: Int, at out: UnsafeMutablePointer<UInt8>) {
        let digits = ("0123456789abcdef" as StaticString).utf8Start
        for k in 0..<nibbles {
            out[k] = digits[Int(truncatingIfNeeded: value >> UInt64((nibbles - 1 - k) * 4)) & 0xF]
        }
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
