import ClientPostgres
import LogModel

/// PostgreSQL's hex format for `bytea` (docs: "8.4.1. bytea Hex Format"): `\x` then two hex digits
/// per byte. It is how bytes pass through libpq's text-format parameters and results intact.
enum ByteaHex {
    static func encode(_ bytes: [UInt8]) -> String { LowercaseHex.encode(bytes, prefix: "\\x") }

    /// Plain hex digits (what `encode(…, 'hex')` returns), with or without the `\x` prefix.
    static func decode(_ text: String) throws(PostgresError) -> [UInt8] {
        var hex = Array(text.utf8)
        if hex.starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "x")]) { hex.removeFirst(2) }
        guard hex.count % 2 == 0 else { throw PostgresError(kind: .decoding, message: "bytea hex of odd length \(hex.count)") }
        var out = [UInt8]()
        out.reserveCapacity(hex.count / 2)
        var index = 0
        while index < hex.count {
            guard let high = value(hex[index]), let low = value(hex[index + 1]) else {
                throw PostgresError(kind: .decoding, message: "bytea hex holds a character that is not a hex digit")
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
