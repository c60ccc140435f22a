/// Masks payment card numbers inside free text (messages, error messages, stack traces) to the
/// first 6 and last 4 digits: `4111 1111 1111 1111` → `411111******1111`.
///
/// A card number here is 13–19 digits, optionally in groups separated by single spaces or
/// dashes, that passes the Luhn check and starts with 2–6 (the payment networks' major industry
/// identifiers: Mir, Visa, Mastercard, Amex, Diners, JCB, Discover, UnionPay, Maestro). The
/// first-digit rule keeps epoch timestamps in milliseconds or nanoseconds (which start with 1 for
/// the next few centuries) from being mistaken for cards; one digit in ten of those would pass
/// Luhn. A longer unseparated digit run is an id, not a card, and is left alone; in a run of
/// separated groups, the longest stretch of whole groups that is a card number is masked.
enum CardNumberMasker {
    /// The text with card numbers masked and how many were masked, or `nil` when there are none
    /// (the common case; no allocation).
    static func mask(_ text: String) -> (text: String, count: Int)? {
        var text = text
        return text.withUTF8 { mask(bytes: $0) }
    }

    /// The masked number when the whole of `text` is one card number (digits, optionally in
    /// groups separated by single spaces or dashes), else `nil`: for values of card-named keys.
    static func maskWhole(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var groups: [Group] = []
            var digits = 0
            var start = 0
            for (i, b) in bytes.enumerated() {
                if isDigit(b) {
                    digits += 1
                    continue
                }
                guard b == UInt8(ascii: " ") || b == UInt8(ascii: "-"), i > start else { return nil }
                groups.append(Group(start: start, end: i))
                start = i + 1
            }
            guard start < bytes.count, (13...19).contains(digits) else { return nil }
            groups.append(Group(start: start, end: bytes.count))
            guard isCard(groups[...], bytes) else { return nil }
            var out: [UInt8] = []
            appendMasked(groups[...], bytes, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    private struct Group {
        var start: Int  // byte offset of the first digit
        var end: Int  // byte offset after the last digit
    }

    private static func mask(bytes: UnsafeBufferPointer<UInt8>) -> (text: String, count: Int)? {
        let n = bytes.count
        // Fast reject: fewer than 13 digits in the whole text.
        var digitCount = 0
        for b in bytes where b &- 48 < 10 { digitCount += 1 }
        guard digitCount >= 13 else { return nil }

        var output: [UInt8] = []
        var copied = 0
        var masked = 0
        var groups: [Group] = []
        var i = 0
        while i < n {
            guard isDigit(bytes[i]) else {
                i += 1
                continue
            }
            // Collect a run of digit groups joined by single separators.
            groups.removeAll(keepingCapacity: true)
            var totalDigits = 0
            var j = i
            while true {
                let start = j
                while j < n, isDigit(bytes[j]) { j += 1 }
                groups.append(Group(start: start, end: j))
                totalDigits += j - start
                if j + 1 < n, bytes[j] == UInt8(ascii: " ") || bytes[j] == UInt8(ascii: "-"), isDigit(bytes[j + 1]),
                    totalDigits <= 64
                {
                    j += 1
                    continue
                }
                break
            }
            if totalDigits >= 13, let (first, last) = cardWindow(groups, bytes) {
                if output.isEmpty { output.reserveCapacity(n) }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<groups[first].start]))
                appendMasked(groups[first...last], bytes, into: &output)
                copied = groups[last].end
                masked += 1
                // Groups after the masked window may hold another card.
                i = groups[last].end
                continue
            }
            i = j
        }
        guard masked > 0 else { return nil }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<n]))
        return (String(decoding: output, as: UTF8.self), masked)
    }

    /// The longest window of whole groups that is a card number (earliest first on ties).
    private static func cardWindow(_ groups: [Group], _ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int)? {
        var best: (Int, Int, Int)? = nil  // first, last, digits
        for first in groups.indices {
            var digits = 0
            for last in first..<groups.count {
                digits += groups[last].end - groups[last].start
                if digits > 19 { break }
                if digits >= 13, digits > (best?.2 ?? 0), isCard(groups[first...last], bytes) {
                    best = (first, last, digits)
                }
            }
        }
        return best.map { ($0.0, $0.1) }
    }

    private static func isCard(_ groups: ArraySlice<Group>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let firstDigit = bytes[groups.first!.start]
        guard firstDigit >= UInt8(ascii: "2"), firstDigit <= UInt8(ascii: "6") else { return false }
        // Luhn: from the rightmost digit, double every second digit.
        var sum = 0
        var double = false
        for group in groups.reversed() {
            var k = group.end - 1
            while k >= group.start {
                var d = Int(bytes[k] - 48)
                if double {
                    d *= 2
                    if d > 9 { d -= 9 }
                }
                sum += d
                double.toggle()
                k -= 1
            }
        }
        return sum % 10 == 0
    }

    private static func appendMasked(_ groups: ArraySlice<Group>, _ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var digits: [UInt8] = []
        for group in groups { digits.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[group.start..<group.end])) }
        out.append(contentsOf: digits[0..<6])
        out.append(contentsOf: repeatElement(UInt8(ascii: "*"), count: digits.count - 10))
        out.append(contentsOf: digits[(digits.count - 4)...])
    }

    @inline(__always) private static func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }
}
