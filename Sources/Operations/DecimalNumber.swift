/// An exact decimal number: `units × 10^-scale`, with at most 18 significant digits. Money is never a
/// binary floating-point value: `"0.1" + "0.2"` is exactly `"0.3"` here.
///
/// Parsed only from plain decimal text (`-12.50`, `100`, `0.001`): no `+`, no exponent, no spaces,
/// no thousands separators — the wire format of CORE's amounts (docs/core-api.md).
public struct DecimalNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let units: Int64
    public let scale: Int

    /// Largest number of digits kept: Int64 holds every 18-digit number.
    public static let maximumDigits = 18

    public init(units: Int64, scale: Int) {
        self.units = units
        self.scale = scale
    }

    public static let zero = DecimalNumber(units: 0, scale: 0)

    /// Parses `-?digits(.digits)?`; nil for anything else or more than 18 digits.
    public init?(_ text: String) {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" {
            negative = true
            digits = digits.dropFirst()
        }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var fraction: Substring = ""
        if parts.count == 2 {
            fraction = parts[1]
            guard !fraction.isEmpty, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        let significant = (whole.drop { $0 == "0" } + fraction)
        guard significant.count <= Self.maximumDigits, fraction.count <= Self.maximumDigits else { return nil }
        guard let value = Int64(whole + fraction) else { return nil }
        units = negative ? -value : value
        scale = fraction.count
    }

    /// Digits after the point that are not trailing zeros (`1.50` has 1).
    public var significantScale: Int {
        var (u, s) = (units, scale)
        while s > 0, u % 10 == 0 {
            u /= 10
            s -= 1
        }
        return s
    }

    public var isNegative: Bool { units < 0 }
    public var isZero: Bool { units == 0 }
    public var magnitude: DecimalNumber { DecimalNumber(units: units < 0 ? -units : units, scale: scale) }

    /// The same value with `newScale` digits after the point; nil when that would drop non-zero
    /// digits or overflow.
    public func rescaled(to newScale: Int) -> DecimalNumber? {
        if newScale == scale { return self }
        if newScale > scale {
            var u = units
            for _ in scale..<newScale {
                let (m, overflow) = u.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                u = m
            }
            return DecimalNumber(units: u, scale: newScale)
        }
        var u = units
        for _ in newScale..<scale {
            guard u % 10 == 0 else { return nil }
            u /= 10
        }
        return DecimalNumber(units: u, scale: newScale)
    }

    /// Exact sum; nil on overflow.
    public func adding(_ other: DecimalNumber) -> DecimalNumber? {
        let s = max(scale, other.scale)
        guard let a = rescaled(to: s), let b = other.rescaled(to: s) else { return nil }
        let (sum, overflow) = a.units.addingReportingOverflow(b.units)
        return overflow ? nil : DecimalNumber(units: sum, scale: s)
    }

    public static func < (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool { compare(lhs, rhs) < 0 }

    /// Equal values compare equal whatever their scale (`1.5 == 1.50`).
    public static func == (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool { compare(lhs, rhs) == 0 }

    /// -1, 0, 1. Whole parts first, then the fractions at a common scale, so no rescaling can overflow.
    static func compare(_ lhs: DecimalNumber, _ rhs: DecimalNumber) -> Int {
        let (lw, lf) = lhs.split, (rw, rf) = rhs.split
        if lw != rw { return lw < rw ? -1 : 1 }
        let s = max(lhs.scale, rhs.scale)
        let a = lf * pow10(s - lhs.scale), b = rf * pow10(s - rhs.scale)
        return a == b ? 0 : (a < b ? -1 : 1)
    }

    /// Whole part and signed fraction units (`-1.25` at scale 2 -> (-1, -25)).
    private var split: (Int64, Int64) {
        let p = Self.pow10(scale)
        return (units / p, units % p)
    }

    static func pow10(_ n: Int) -> Int64 {
        var value: Int64 = 1
        for _ in 0..<max(0, min(n, 18)) { value *= 10 }
        return value
    }

    public func hash(into hasher: inout Hasher) {
        let n = significantScale
        hasher.combine(rescaled(to: n)?.units ?? units)
        hasher.combine(n)
    }

    /// Plain text with exactly `scale` digits after the point (`-0.05`, `100.00`, `7`).
    public var description: String {
        let negative = units < 0
        var digits = String(units.magnitude)
        guard scale > 0 else { return (negative ? "-" : "") + digits }
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -scale)
        return (negative ? "-" : "") + digits[..<point] + "." + digits[point...]
    }
}
