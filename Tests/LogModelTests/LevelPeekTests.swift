import LogModel
import XCTest

/// The peek hops between candidate bytes: it must find the member wherever it lies in the first
/// 1,024 bytes, and nothing beyond them.
final class LevelPeekTests: XCTestCase {
    func doc(padding: Int, level: String = "warning") -> [UInt8] {
        Array(#"{"message":"\#(String(repeating: "v", count: padding))","log":{"level":"\#(level)"},"service":{"name":"core"}}"#.utf8)
    }

    func testFindsTheLevelAfterDecoysAnywhereInTheFirstKilobyte() {
        for padding in [0, 1, 7, 8, 9, 100, 500] {
            XCTAssertEqual(LevelPeek.level(in: doc(padding: padding)), .warning, "padding \(padding)")
            let json = doc(padding: padding)
            XCTAssertEqual(LevelPeek.serviceName(in: json).map { String(decoding: json[$0], as: UTF8.self) }, "core")
        }
        XCTAssertEqual(LevelPeek.level(in: Array(#""level":"error""#.utf8)), .error, "at the very start")
        XCTAssertEqual(LevelPeek.level(in: Array(#"{"vlevel":"x","level":"info"}"#.utf8)), .info)
    }

    func testTheNeedleMustEndWithinTheFirstKilobyte() {
        // `{"message":"` is 12 bytes, then the padding, then `","log":{` (9) before `"level":"` (9).
        let fits = 1024 - 12 - 9 - 9
        XCTAssertEqual(LevelPeek.level(in: doc(padding: fits)), .warning)
        XCTAssertNil(LevelPeek.level(in: doc(padding: fits + 1)))
    }

    func testCannotTellGivesNil() {
        XCTAssertNil(LevelPeek.level(in: Array(#"{"message":"no level here"}"#.utf8)))
        XCTAssertNil(LevelPeek.level(in: Array(#"{"log":{"level":"unterminated"#.utf8)))
        XCTAssertNil(LevelPeek.level(in: doc(padding: 3, level: "loud")), "not a level name")
        XCTAssertNil(LevelPeek.level(in: []))
    }

    /// The peek reads a stored name by its bytes: exactly the canonical names, nothing else.
    func testStoredNamesAreReadByTheirBytes() {
        func level(_ text: String) -> Level? { Array(text.utf8).withUnsafeBufferPointer { Level(name: $0) } }
        for case_ in Level.allCases { XCTAssertEqual(level(case_.name), case_) }
        for other in ["Error", "warn", "", "errors", "erro", "info ", "crit", "emergencY", "ınfo"] {
            XCTAssertNil(level(other), other)
            XCTAssertEqual(level(other), Level(name: other), "the same as the String form")
        }
    }
}
