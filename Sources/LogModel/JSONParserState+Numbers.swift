/// Numbers: RFC 8259's grammar, `Int64` when the integer fits, otherwise a correctly rounded `Double`.
extension JSONParserState {
    /// Powers of ten that a `Double` holds exactly: a decimal with at most 15 significant digits
    /// times or over one of these is correctly rounded in one operation (Clinger's fast path).
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = pos
        var negative = false
        if base[pos] == UInt8(ascii: "-") {
            negative = true
            pos += 1
        }
        guard pos < end else { throw unexpectedEnd("a digit") }
        guard isDigit(base[pos]) else { throw unexpectedByte(expecting: "a digit") }

        var mantissa: UInt64 = 0
        var significantDigits = 0  // digits held in `mantissa`; 19 always fit a UInt64
        var truncated = false  // digits beyond 19 were dropped: only the C library can round this
        var exponent = 0
        if base[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < end, isDigit(base[pos]) {
                throw syntaxError("leading zero in the number starting at byte \(start) (JSON numbers cannot start with 0 unless they are 0)")
            }
        } else {
            while pos < end, isDigit(base[pos]) {
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(base[pos] &- 48)
                    significantDigits += 1
                } else {
                    truncated = true
                    exponent += 1
                }
                pos += 1
            }
        }

        var isInteger = true
        if pos < end, base[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            guard pos < end else { throw unexpectedEnd("a digit after '.'") }
            guard isDigit(base[pos]) else { throw unexpectedByte(expecting: "a digit after '.'") }
            while pos < end, isDigit(base[pos]) {
                let digit = UInt64(base[pos] &- 48)
                if mantissa == 0, digit == 0 {
                    exponent -= 1  // leading zeros of 0.000123 cost no precision
                } else if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ digit
                    significantDigits += 1
                    exponent -= 1
                } else {
                    truncated = true
                }
                pos += 1
            }
        }
        if pos < end, base[pos] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            pos += 1
            guard pos < end else { throw unexpectedEnd("an exponent") }
            var exponentNegative = false
            if base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-") {
                exponentNegative = base[pos] == UInt8(ascii: "-")
                pos += 1
            }
            guard pos < end else { throw unexpectedEnd("exponent digits") }
            guard isDigit(base[pos]) else { throw unexpectedByte(expecting: "exponent digits") }
            var value = 0
            while pos < end, isDigit(base[pos]) {
                // Saturate: 1e999999 is as infinite as 1e9999999999999999999.
                if value < 100_000 { value = value * 10 + Int(base[pos] &- 48) }
                pos += 1
            }
            exponent += exponentNegative ? -value : value
        }

        if isInteger, !truncated {
            if negative {
                if mantissa <= UInt64(Int64.max) { return .int(-Int64(mantissa)) }
                if mantissa == UInt64(Int64.max) + 1 { return .int(Int64.min) }
            } else if mantissa <= UInt64(Int64.max) {
                return .int(Int64(mantissa))
            }
        }
        if !truncated, mantissa < (1 << 53), exponent >= -22, exponent <= 22 {
            let m = Double(mantissa)
            let d = exponent >= 0 ? m * Self.exactPowersOfTen[exponent] : m / Self.exactPowersOfTen[-exponent]
            return .double(negative ? -d : d)
        }
        // Rare (long mantissas, large exponents): let the C library round correctly.
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: pos - start), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            // JSON has no infinity; a number no double can hold would not survive a round trip.
            throw JSONParseError(
                offset: start, code: JSONParseError.invalidJSON,
                message: "number at byte \(start) is out of range (beyond ±1.8e308, the range of a double)")
        }
        return .double(value)
    }

    @inline(__always)
    private func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }
}
