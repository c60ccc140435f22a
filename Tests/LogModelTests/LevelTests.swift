import LogModel
import XCTest

final class LevelTests: XCTestCase {
    func testNamesAreReadInAnyCaseWithAliases() {
        let cases: [(String, Level)] = [
            ("trace", .trace), ("DEBUG", .debug), ("Info", .info), ("informational", .info), ("notice", .notice),
            ("warn", .warning), ("WARNING", .warning), ("error", .error), ("ERR", .error), ("critical", .critical),
            ("CRIT", .critical), ("fatal", .critical), ("alert", .alert), ("emergency", .emergency),
            ("emerg", .emergency), ("panic", .emergency), ("  warning ", .warning),
        ]
        for (text, level) in cases {
            XCTAssertEqual(Level(parsing: .string(text)), level, text)
        }
    }

    func testPythonNumbersAreReadByDecade() {
        XCTAssertEqual(Level(parsing: .int(10)), .debug)
        XCTAssertEqual(Level(parsing: .int(20)), .info)
        XCTAssertEqual(Level(parsing: .int(25)), .info)  // loguru SUCCESS
        XCTAssertEqual(Level(parsing: .int(30)), .warning)
        XCTAssertEqual(Level(parsing: .int(40)), .error)
        XCTAssertEqual(Level(parsing: .int(50)), .critical)
        XCTAssertEqual(Level(parsing: .double(40.0)), .error)
    }

    func testSyslogNumbersZeroToSevenAreSeverities() {
        let expected: [Level] = [.emergency, .alert, .critical, .error, .warning, .notice, .info, .debug]
        for (number, level) in expected.enumerated() {
            XCTAssertEqual(Level(parsing: .int(Int64(number))), level, "\(number)")
        }
    }

    func testNumericStringsAreReadAsNumbers() {
        XCTAssertEqual(Level(parsing: .string("40")), .error)
        XCTAssertEqual(Level(parsing: .string("3")), .error)
        XCTAssertEqual(Level(parsing: .string(" 20 ")), .info)
    }

    func testUnknownValuesAreNil() {
        for value: JSONValue in ["verbose", "", "8", 9, 60, -1, 40.5, true, nil, ["error"], "errorr"] {
            XCTAssertNil(Level(parsing: value), "\(value)")
        }
    }

    func testLevelsAreOrderedBySeverityAndNamedForStorage() {
        XCTAssertEqual(Level.allCases.map(\.name),
                       ["trace", "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"])
        XCTAssertLessThan(Level.warning, Level.error)
        XCTAssertEqual(Level.allCases.sorted(), Level.allCases)
        XCTAssertEqual(Level(name: "warning"), .warning)
        XCTAssertNil(Level(name: "warn"))
    }
}
