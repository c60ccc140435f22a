import ClientHTTP
import Foundation
import LogModel
import Synchronization
import TestSupport
import XCTest

/// The backbone under faults a user would meet: Elasticsearch pushing back with 429 and 503 for a minute.
final class FaultTests: HubTestCase {
    /// Elasticsearch answers `_bulk` with 429 (Retry-After: 2) and 503 for a minute: the hub waits as
    /// told, keeps accepting, and once the cluster takes writes again every event is stored exactly once.
    func testElasticsearchPushingBackForAMinute() async throws {
        let pushBackUntil = Mutex(ContinuousClock.now + .seconds(60))
        let bulkAttempts = Mutex<[ContinuousClock.Instant]>([])
        let proxy = try await elasticsearchProxy { request in
            guard request.path.hasSuffix("/_bulk"), ContinuousClock.now < pushBackUntil.withLock({ $0 }) else { return nil }
            let count = bulkAttempts.withLock { attempts -> Int in
                attempts.append(.now)
                return attempts.count
            }
            if count % 2 == 1 {
                return .json(#"{"error":{"type":"es_rejected_execution_exception","reason":"rejected execution"},"status":429}"#,
                             status: 429, headers: ["Retry-After": "2"])
            }
            return .json(#"{"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"},"status":503}"#, status: 503)
        }
        let hub = try await startHub(mongo: false, extra: ["ADMIN_ELASTICSEARCH_URL": proxy.baseURL, "ADMIN_DELIVERY_RETRY_MAX_MS": "5000"])
        let token = try createToken()
        var sent = 0
        for batch in 0..<6 {
            let response = try await post(hub, body: ndjson(100, idPrefix: "push", start: batch * 100), token: token)
            XCTAssertEqual(response.status, 202, "ingest must not depend on Elasticsearch: \(response.bodyText)")
            sent += 100
            try await Task.sleep(for: .seconds(5))
        }
        try await eventually("the hub reports the store as degraded (it answers, but refuses bulks)") {
            let state = try json(try await get(hub.baseURL + "/readyz"))["sinks"]?["elasticsearch"]?["state"]?.stringValue
            return state == "degraded"
        }
        let expected = sent
        try await eventually(timeout: .seconds(120), "every event in Elasticsearch once it takes writes again") {
            try await elasticsearchCount() == expected
        }
        // Honoured: after a 429 with Retry-After: 2 the next attempt came no sooner than that.
        let attempts = bulkAttempts.withLock { $0 }
        XCTAssertGreaterThan(attempts.count, 3, "the proxy should have refused several bulks")
        for index in stride(from: 1, to: attempts.count, by: 2) where index < attempts.count {
            let gap = attempts[index] - attempts[index - 1]
            XCTAssertGreaterThanOrEqual(gap, .milliseconds(1900), "attempt \(index) came \(gap) after a 429 that said Retry-After: 2")
        }
        try await Task.sleep(for: .seconds(2))
        let total = try await elasticsearchCount()
        XCTAssertEqual(total, expected, "nothing stored twice")
        await proxy.stop()
    }
}
