import Secrets
@testable import Transforms
import XCTest

/// `StringValueRedaction` skips the card masker and the credential redaction when a quick scan of
/// the bytes finds nothing either could act on. The scan may send
/// too much to them, never too little: checked against both steps run on every string.
final class RedactionHintsTests: XCTestCase {
    private func reference(_ text: String) -> (text: String, count: Int)? {
        var result: String?
        var count = 0
        if let (masked, n) = CardNumberMasker.mask(text) {
            result = masked
            count += n
        }
        if let (masked, n) = CredentialRedaction.redactingCredentials(in: result ?? text) {
            result = masked
            count += n
        }
        return result.map { ($0, count) }
    }

    func testTheQuickScanNeverSkipsWhatTheFullStepsWouldRedact() {
        var seed: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            // xorshift: the same strings on every run, so a failure can be reproduced.
            seed ^= seed << 13
            seed ^= seed >> 7
            seed ^= seed << 17
            return Int(seed % UInt64(bound))
        }
        let pieces = ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "5500005555555559", "378282246310005",
                      "postgres://app:s3cret@db:5432/x", "password=hunter2", "user:pw@host", "0822e8f36c031199972a846916419f82",
                      "1234567890123", " ", "-", ":", "@", "=", "abcdefgh", "GET /api/v1/shops/913", "é", "12", "7",
                      // Long, with digits spread over more than 31 words (the word pass adds its
                      // per-byte counters up every 31 words), and the other bytes from ':' to '@'.
                      String(repeating: "abcdefg1", count: 40), "é;?<>", "Привет, мир 🚀",
                      // Digit groups and single letters: rows of digits that start and end at
                      // every offset of the eight-byte words (the row bound for trace ids).
                      "4111", "1111 ", "11-", "a", "f", "0000000"]
        var redacted = 0
        for _ in 0..<5000 {
            var text = ""
            for _ in 0..<next(8) { text += pieces[next(pieces.count)] }
            let got = StringValueRedaction.redact(text)
            let want = reference(text)
            XCTAssertEqual(got?.text, want?.text, "for \(text.debugDescription)")
            XCTAssertEqual(got?.count, want?.count, "for \(text.debugDescription)")
            if want != nil { redacted += 1 }
        }
        XCTAssertGreaterThan(redacted, 1000, "the strings exercise the redaction, not only the skip")
    }

    func testACardAmongHexDigitsIsMaskedAtEveryOffset() {
        for card in ["4222222222222", "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005"] {
            for before in 0..<17 {
                for after in [0, 1, 7, 8, 9] {
                    let text = String("0822e8f36c031199e".suffix(before)) + card + String("f82ab9c0d".prefix(after))
                    XCTAssertEqual(StringValueRedaction.redact(text)?.text, reference(text)?.text, "for \(text.debugDescription)")
                    XCTAssertNotNil(StringValueRedaction.redact(text), "for \(text.debugDescription)")
                }
            }
        }
        // A trace id with no 13 digits in a row skips the masker, and stays as it is.
        XCTAssertNil(StringValueRedaction.redact("0822e8f36c031199972a846916419f82"))
    }
}
