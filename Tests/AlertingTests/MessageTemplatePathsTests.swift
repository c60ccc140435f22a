@testable import Alerting
import XCTest

/// An ASCII message is scanned as bytes, any other as scalars: both paths give the same template.
final class MessageTemplatePathsTests: XCTestCase {
    static func messages() -> [String] {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["payment", " ", "42", "0x1F", "0Xzz", "deadbeef12", "deadbeef", "ann@ex.com", "@", ".", "..", "'", "\"", "it's",
                      "7f3a9c21-0b1e-4c3e-9b1e-2f4d5a6b7c8d", "-", "+", "_", "v2.10.3.", ":", "x@y", "a.b@", "\t", "\\", "9",
                      "7f3a9c21-0b1e-4c3e-9b1e-2f4d5a6b7c8", "e", "(", ")"]
        var out: [String] = []
        for _ in 0..<3000 {
            let n = Int.random(in: 1...14, using: &generator)
            out.append((0..<n).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        out.append(String(repeating: "ab1 ", count: 1100))  // past the 4,096-character limit
        out.append("\"" + String(repeating: "x", count: 600) + "\" tail")  // a quote that closes too far
        return out
    }

    func testTheByteAndScalarPathsAgree() {
        for message in Self.messages() {
            var scalarPath: [UInt8] = []
            MessageTemplate.scan(Array(message.unicodeScalars.prefix(MessageTemplate.limit)), into: &scalarPath)
            XCTAssertEqual(MessageTemplate.normalize(message), String(decoding: scalarPath, as: UTF8.self), message)
        }
    }
}
