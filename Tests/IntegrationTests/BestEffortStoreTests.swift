import ClientHTTP
import Foundation
import LogModel
import Synchronization
import TestSupport
import XCTest

/// A store configured best effort (`delivery.elasticsearch_policy: drop_oldest`): when it is stuck the
/// spool skips its oldest segments instead of filling up, so intake keeps answering 202 and the
/// archive (MongoDB, `block`) still gets everything.
final class BestEffortStoreTests: HubTestCase {
    func testAStuckDropOldestStoreNeverHoldsBackIntake() async throws {
        let refusing = Mutex(true)
        let proxy = try await elasticsearchProxy { request in
            guard request.path.hasSuffix("/_bulk"), refusing.withLock({ $0 }) else { return nil }
            return .json(#"{"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"},"status":503}"#, status: 503)
        }
        // A 1 MiB spool; each batch below is ~70 KB stored, so 60 batches would fill it four times over.
        let hub = try await startHub(extra: [
            "ADMIN_ELASTICSEARCH_URL": proxy.baseURL, "ADMIN_SPOOL_SEGMENT_BYTES": "65536", "ADMIN_SPOOL_MAX_BYTES": "1048576",
            "ADMIN_INTAKE_MAX_EVENT_BYTES": "32768",
            "ADMIN_DELIVERY_ELASTICSEARCH_POLICY": "drop_oldest", "ADMIN_DELIVERY_ELASTICSEARCH_MAX_LAG_BYTES": "262144",
        ])
        let token = try createToken()
        let pool = try mongoPool()
        for batch in 0..<60 {
            let response = try await post(hub, body: ndjson(100, idPrefix: "lag", start: batch * 100, extra: { _ in DiskFullTests.padding }),
                                          token: token)
            XCTAssertEqual(response.status, 202, "batch \(batch): a best-effort store must not turn intake into 503s: \(response.bodyText)")
            if response.status != 202 { break }
            // Paced by the archive, so that only Elasticsearch lags (MongoDB is `block`).
            try await eventually("MongoDB keeps up") { try await mongoCount(pool) == (batch + 1) * 100 }
        }
        try await eventually("the archive has every event") { try await mongoCount(pool) == 6000 }
        let readiness = try json(try await get(hub.baseURL + "/readyz"))
        let dropped = readiness["sinks"]?["elasticsearch"]?["dropped_segments"]?.intValue ?? 0
        XCTAssertGreaterThan(dropped, 0, "the skipped segments are counted: \(readiness)")
        XCTAssertEqual(readiness["sinks"]?["mongodb"]?["dropped_segments"]?.intValue, 0)

        refusing.withLock { $0 = false }
        try await eventually("Elasticsearch catches up with what was kept") {
            try await elasticsearchCount() > 0
        }
        try await Task.sleep(for: .seconds(3))
        let indexed = try await elasticsearchCount()
        XCTAssertLessThan(indexed, 6000, "what was skipped is not delivered late")
        XCTAssertTrue(hub.tailOfLog(400_000).contains("drop"), "the skip is logged")
        await proxy.stop()
    }

    func testAnUnknownPolicyIsRefusedWithItsKey() throws {
        XCTAssertThrowsError(try runAdmin(["check-config"], environment: [
            "ADMIN_DATABASE_URL": databaseURL, "ADMIN_DELIVERY_MONGODB_POLICY": "sometimes",
        ])) { error in
            XCTAssertTrue("\(error)".contains("delivery.mongodb_policy (ADMIN_DELIVERY_MONGODB_POLICY) must be block or drop_oldest"), "\(error)")
        }
    }
}
