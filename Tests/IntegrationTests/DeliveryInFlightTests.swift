import ClientHTTP
import ClientMongo
import Foundation
import LogModel
import TestSupport
import XCTest

/// Several batches in flight per sink against the real stand-ins: every event stored exactly once in
/// both stores, also after a `kill -9` that lands while batches are in flight.
final class DeliveryInFlightTests: HubTestCase {
    private let total = 3000

    /// Small batches and four in flight, so that a drain is many concurrent requests.
    private var inFlight: [String: String] {
        ["ADMIN_DELIVERY_MAX_IN_FLIGHT": "4", "ADMIN_DELIVERY_BATCH_MAX_EVENTS": "20", "ADMIN_DELIVERY_BATCH_MAX_WAIT_MS": "20"]
    }

    private func postAll(_ hub: HubProcess, token: String) async throws -> Set<String> {
        var ids = Set<String>()
        for request in 0..<(total / 500) {
            let response = try await post(hub, body: ndjson(500, idPrefix: "inflight", start: request * 500), token: token)
            XCTAssertEqual(response.status, 202)
            ids.formUnion((request * 500..<(request + 1) * 500).map { "inflight-\($0)" })
        }
        return ids
    }

    /// Every id in both stores, once each, and nothing else.
    private func assertStoredExactlyOnce(_ ids: Set<String>, pool: MongoClientPool) async throws {
        try await eventually(timeout: .seconds(120), "every event in MongoDB") { try await mongoCount(pool) >= ids.count }
        try await eventually(timeout: .seconds(120), "every event in Elasticsearch") { try await elasticsearchCount() >= ids.count }
        try await Task.sleep(for: .seconds(1))
        let stored = try await pool.find(database: mongoDatabase, collection: "logs", filter: [:], limit: ids.count + 100)
        let mongoIDs = stored.compactMap { $0["_id"]?.stringValue }
        XCTAssertEqual(mongoIDs.count, ids.count, "MongoDB holds each event once")
        XCTAssertEqual(Set(mongoIDs), ids)
        let esTotal = try await elasticsearchCount()
        XCTAssertEqual(esTotal, ids.count, "Elasticsearch holds each event once")
        for sample in ids.shuffled().prefix(10) {
            let n = try await elasticsearchCount(query: ["term": ["event.id": .string(sample)]])
            XCTAssertEqual(n, 1, "\(sample) in Elasticsearch once")
        }
    }

    func testEveryEventStoredOnceWithFourBatchesInFlight() async throws {
        let hub = try await startHub(extra: inFlight)
        let token = try createToken()
        let ids = try await postAll(hub, token: token)
        let pool = try mongoPool()
        try await assertStoredExactlyOnce(ids, pool: pool)

        // The health shows the count; drained, nothing is in flight.
        let ready = try json(try await get(hub.baseURL + "/readyz"))
        for sink in ["mongodb", "elasticsearch"] {
            XCTAssertEqual(ready["sinks"]?[sink]?["in_flight_batches"], .int(0), "\(sink): \(ready)")
        }
        let metrics = String(decoding: try await get(hub.baseURL + "/metrics").body, as: UTF8.self)
        XCTAssertTrue(metrics.contains("admin_sink_in_flight_batches"), "the gauge is exported")
    }

    func testAnOutOfRangeMaxInFlightIsRefusedWithItsKey() throws {
        for bad in ["0", "17", "many"] {
            XCTAssertThrowsError(try runAdmin(["check-config"], environment: [
                "ADMIN_DATABASE_URL": databaseURL, "ADMIN_DELIVERY_MAX_IN_FLIGHT": bad,
            ]), bad) { error in
                XCTAssertTrue("\(error)".contains("delivery.max_in_flight (ADMIN_DELIVERY_MAX_IN_FLIGHT) = '\(bad)': expected a whole number in 1...16"),
                              "\(error)")
            }
        }
    }

    func testKill9WithBatchesInFlightLosesNothingAndStoresNothingTwice() async throws {
        let hub = try await startHub(extra: inFlight)
        let token = try createToken()
        let pool = try mongoPool()
        let ids = try await postAll(hub, token: token)
        // Kill as soon as delivery is under way: with 20-event batches, four at a time, most are still to go.
        try await eventually(timeout: .seconds(60), "delivery under way") { try await mongoCount(pool) > 0 }
        hub.kill9()
        let atKill = try await mongoCount(pool)
        XCTAssertLessThan(atKill, ids.count, "the kill must land while batches are in flight")

        _ = try await restart(hub)
        try await assertStoredExactlyOnce(ids, pool: pool)
    }
}
