import ClientHTTP
import Foundation
import Synchronization
import TestSupport
import XCTest

/// `admin spool inspect` and `admin spool skip` as an operator uses them: Elasticsearch refuses
/// writes, its cursor lags; the operator looks, stops the hub, skips to the newest segment, restarts.
final class SpoolCLITests: HubTestCase {
    func testInspectShowsTheLaggingSinkAndSkipMovesItWhileTheHubIsStopped() async throws {
        let refusing = Mutex(true)
        let proxy = try await elasticsearchProxy { request in
            guard request.path.hasSuffix("/_bulk"), refusing.withLock({ $0 }) else { return nil }
            return .json(#"{"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"},"status":503}"#, status: 503)
        }
        let settings = ["ADMIN_ELASTICSEARCH_URL": proxy.baseURL, "ADMIN_SPOOL_SEGMENT_BYTES": "65536",
                        "ADMIN_INTAKE_MAX_EVENT_BYTES": "32768"]
        var hub = try await startHub(extra: settings)
        let token = try createToken()
        for batch in 0..<6 {
            let response = try await post(hub, body: ndjson(100, idPrefix: "old", start: batch * 100, extra: { _ in DiskFullTests.padding }),
                                          token: token)
            XCTAssertEqual(response.status, 202, response.bodyText)
        }
        let pool = try mongoPool()
        try await eventually("MongoDB has everything while Elasticsearch refuses") { try await mongoCount(pool) == 600 }

        let cli = ["ADMIN_DATA_DIR": hub.environment["ADMIN_DATA_DIR"] ?? "", "ADMIN_DATABASE_URL": databaseURL]
        let running = try runAdmin(["spool", "inspect"], environment: cli)
        XCTAssertTrue(running.contains("(in use by a running hub)"), running)
        let segments = Self.segmentBases(running)
        XCTAssertGreaterThan(segments.count, 2, "600 padded events span several 64 KiB segments:\n\(running)")
        XCTAssertEqual(Self.cursor(of: "elasticsearch", in: running), segments.first, "Elasticsearch has delivered nothing:\n\(running)")
        XCTAssertThrowsError(try runAdmin(["spool", "skip", "elasticsearch", "--to", String(segments.last!)], environment: cli)) { error in
            XCTAssertTrue("\(error)".contains("held by a running hub; stop it first"), "\(error)")
        }

        hub.stop()
        let newest = segments.last!
        let moved = try runAdmin(["spool", "skip", "elasticsearch", "--to", String(newest)], environment: cli)
        XCTAssertTrue(moved.contains("moved elasticsearch from \(segments.first!) to \(newest)"), moved)
        let stopped = try runAdmin(["spool", "inspect"], environment: cli)
        XCTAssertFalse(stopped.contains("in use"), stopped)
        XCTAssertEqual(Self.cursor(of: "elasticsearch", in: stopped), newest, stopped)
        XCTAssertThrowsError(try runAdmin(["spool", "skip", "elasticsearch", "--to", "12345"], environment: cli),
                             "a base that is no segment's start is refused")

        refusing.withLock { $0 = false }
        hub = try await restart(hub)
        // Only what the newest segment holds reaches Elasticsearch; the skipped records never do.
        try await eventually("Elasticsearch receives the newest segment") { try await elasticsearchCount() > 0 }
        try await Task.sleep(for: .seconds(3))
        let indexed = try await elasticsearchCount()
        XCTAssertGreaterThan(indexed, 0)
        XCTAssertLessThan(indexed, 600, "the skipped segments were not delivered")
        let archived = try await mongoCount(pool)
        XCTAssertEqual(archived, 600, "MongoDB's cursor did not move")
        await proxy.stop()
    }

    /// The SEGMENT table's base offsets.
    static func segmentBases(_ report: String) -> [UInt64] {
        section(report, header: "SEGMENT\t").compactMap { UInt64($0.split(separator: "\t").first ?? "") }
    }

    static func cursor(of sink: String, in report: String) -> UInt64? {
        section(report, header: "SINK\t").first { $0.hasPrefix(sink + "\t") }.flatMap { UInt64($0.split(separator: "\t")[1]) }
    }

    private static func section(_ report: String, header: String) -> [String] {
        let lines = report.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(header) }) else { return [] }
        return Array(lines[(start + 1)...].prefix { !$0.hasPrefix("SINK\t") && !$0.lowercased().hasPrefix("quarantined") })
    }
}
