/// The decimal text of an integer, as `String(value)` gives it, built in place: labels and ids
/// turn JSON integers into strings for every event, and the generic `description` path cost about
/// 200 instructions a number.
public enum DecimalText {
    public static func of(_ value: Int64) -> String {
        var digits = 1
        var rest = value.magnitude / 10
        while rest != 0 {
            digits += 1
            rest /= 10
        }
        let count = digits + (value < 0 ? 1 : 0)
        // The exact capacity: up to 15 bytes the string is built inline, without an allocation.
        return String(unsafeUninitializedCapacity: count) { buffer in
            var magnitude = value.magnitude
            var i = count
            repeat {
                i -= 1
                buffer[i] = UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0")
                magnitude /= 10
            } while magnitude != 0
            if value < 0 { buffer[0] = UInt8(ascii: "-") }
            return count
        }
    }
}
