import Spool
import XCTest

final class SpoolConfigurationTests: XCTestCase {
    func testDefaultsAreValid() throws {
        let configuration = SpoolConfiguration(directory: "/var/lib/admin/spool")
        XCTAssertEqual(configuration.segmentBytes, 64 << 20)
        XCTAssertEqual(configuration.maxBytes, 1 << 30)
        XCTAssertEqual(configuration.policy(for: "mongodb"), .block)
        XCTAssertNoThrow(try configuration.validate())
    }

    /// The hub words these with its own keys (spool.max_bytes, ADMIN_SPOOL_MAX_BYTES): the numbers must be there.
    func testValidationErrorsAreTypedAndCarryTheNumbers() {
        let cases: [(SpoolConfiguration, SpoolConfigurationError)] = [
            (SpoolConfiguration(directory: ""), .emptyDirectory),
            (SpoolConfiguration(directory: "/s", segmentBytes: 100), .segmentBytesTooSmall(segmentBytes: 100, minimum: 4096)),
            (SpoolConfiguration(directory: "/s", segmentBytes: 1 << 20, maxBytes: 1 << 20),
             .maxBytesBelowTwoSegments(maxBytes: 1 << 20, segmentBytes: 1 << 20)),
            (SpoolConfiguration(directory: "/s", retryAfterSeconds: 0), .retryAfterTooSmall(seconds: 0)),
            (SpoolConfiguration(directory: "/s", maxRecordBytes: 0),
             .maxRecordBytesOutOfRange(maxRecordBytes: 0, allowed: 1...SpoolConfiguration.maximumRecordBytes)),
            (SpoolConfiguration(directory: "/s", segmentBytes: 4096, maxBytes: 40960, sinkPolicies: ["tail": .dropOldest(maxLagBytes: 40000)]),
             .maxLagBytesOutOfRange(sink: "tail", maxLagBytes: 40000, allowed: 1...32768)),
        ]
        for (configuration, expected) in cases {
            XCTAssertThrowsError(try configuration.validate()) { error in
                XCTAssertEqual(error as? SpoolConfigurationError, expected)
            }
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
