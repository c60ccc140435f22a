/// Two lowercase hex digits per byte: digests, trace and span ids, fingerprints, `bytea` literals.
/// One table look-up per digit (Foundation's `String(format: "%02x")` per byte cost ~1 µs each,
/// on every ingest request's token digest).
public enum LowercaseHex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `prefix` (ASCII, such as `\x` or `sha256=`) followed by the digits of `bytes`.
    public static func encode(_ bytes: some Sequence<UInt8>, prefix: String = "") -> String {
        var out: [UInt8] = []
        out.reserveCapacity(prefix.utf8.count + bytes.underestimatedCount * 2)
        out.append(contentsOf: prefix.utf8)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
