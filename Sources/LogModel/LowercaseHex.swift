/// Two lowercase hex digits per byte: digests, trace and span ids, fingerprints, `bytea` literals.
/// One table look-up per digit (Foundation's `String(format: "%02x")` per byte cost ~1 µs each,
/// on every ingest request's token digest).
public enum LowercaseHex {
    /// `prefix` (ASCII, such as `\x` or `sha256=`) followed by the digits of `bytes`.
    public static func encode(_ bytes: UnsafeRawBufferPointer, prefix: String = "") -> String {
        var prefix = prefix
        return prefix.withUTF8 { head in
            String(unsafeUninitializedCapacity: head.count + bytes.count * 2) { out in
                var at = 0
                for byte in head { out[at] = byte; at += 1 }
                for byte in bytes {
                    out[at] = digit(byte >> 4)
                    out[at + 1] = digit(byte & 0x0F)
                    at += 2
                }
                return at
            }
        }
    }

    /// The same for any bytes. A digest (swift-crypto's `Digest`) is best passed through its
    /// `withUnsafeBytes`: iterating it as a sequence goes through unspecialised generic calls per
    /// byte (4 % of the hub's CPU with alerting on, for two fingerprints per alerting event).
    public static func encode(_ bytes: some Sequence<UInt8>, prefix: String = "") -> String {
        if let text = bytes.withContiguousStorageIfAvailable({ encode(UnsafeRawBufferPointer($0), prefix: prefix) }) {
            return text
        }
        return Array(bytes).withUnsafeBytes { encode($0, prefix: prefix) }
    }

    @inline(__always)
    private static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }
}
