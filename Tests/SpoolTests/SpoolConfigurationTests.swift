import Foundation
import Spool
import XCTest

final class SpoolConfigurationTests: XCTestCase {
    func testMissingKeysTakeTheirDefaults() throws {
        let configuration = try JSONDecoder().decode(SpoolConfiguration.self, from: Data(#"{"directory": "/var/lib/admin/spool"}"#.utf8))
        XCTAssertEqual(configuration, SpoolConfiguration(directory: "/var/lib/admin/spool"))
        XCTAssertEqual(configuration.segmentBytes, 64 << 20)
        XCTAssertEqual(configuration.maxBytes, 1 << 30)
        XCTAssertNoThrow(try configuration.validate())
    }

    func testUnknownKeyIsRejectedByName() {
        let json = #"{"directory": "/tmp/s", "maxByte": 5}"#
        XCTAssertThrowsError(try JSONDecoder().decode(SpoolConfiguration.self, from: Data(json.utf8))) { error in
            XCTAssertTrue("\(error)".contains("maxByte"), "\(error)")
        }
    }

    func testValidationNamesTheBadKey() {
        XCTAssertThrowsError(try SpoolConfiguration(directory: "/tmp/s", segmentBytes: 100).validate()) { error in
            guard case .invalidConfiguration(key: "segmentBytes", _) = error as? SpoolError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try SpoolConfiguration(directory: "/tmp/s", retryAfterSeconds: 0).validate()) { error in
            guard case .invalidConfiguration(key: "retryAfterSeconds", _) = error as? SpoolError else { return XCTFail("\(error)") }
        }
    }

    func testErrorsSayWhatToDo() {
        let full = SpoolError.full(usedBytes: 1_073_700_000, limit: 1 << 30, retryAfterSeconds: 5)
        XCTAssertEqual(full.code, "spool_full")
        XCTAssertTrue(full.description.contains("1073741824"))
        XCTAssertTrue(full.description.contains("Retry in 5 s"))
        let io = SpoolError.io(operation: "fdatasync", path: "/x/segments/1.seg", errno: 28)
        XCTAssertTrue(io.description.contains("No space left on device"), io.description)
        XCTAssertTrue(io.description.contains("/x/segments/1.seg"))
    }
}
