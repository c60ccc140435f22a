import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// `/readyz` shows what each store is doing now: a store that goes away under load leaves `ready`
/// within 10 s (even while a delivery sits in a blocked request) and is back within 10 s of its return.
final class HealthTruthTests: HubTestCase {
    /// MongoDB with the driver's own timeouts (30 s server selection): only the probe can tell quickly.
    func testAStoppedMongoDBIsShownUnavailableWithinTenSecondsAndReadyAgainAfterwards() async throws {
        let mongo = try MongoStandIn(storage: directory.path + "/mongo")
        try await mongo.start()
        defer { mongo.stop() }
        mongoURI = "mongodb://127.0.0.1:\(mongo.port)/"
        let hub = try await startHub(extra: ["ADMIN_MONGODB_URI": mongoURI, "ADMIN_DELIVERY_PROBE_INTERVAL_SECONDS": "2"])
        let token = try createToken()
        let pool = try mongoPool()
        var sent = 0
        try await postBatch(hub, token, prefix: "before", &sent)
        try await eventually("delivered before the outage") { try await mongoCount(pool) == sent }
        try await eventually("ready") { try await state(hub, "mongodb") == "ready" }

        mongo.stop()
        let stopped = ContinuousClock.now
        try await postBatch(hub, token, prefix: "during", &sent)
        try await eventually(timeout: .seconds(10), "the archive shown unavailable within 10 s") {
            try await state(hub, "mongodb") == "unavailable"
        }
        XCTAssertLessThan(ContinuousClock.now - stopped, .seconds(10))
        try await postBatch(hub, token, prefix: "during2", &sent)
        let status = try await get(hub.baseURL + "/readyz")
        XCTAssertEqual(status.status, 200, "a store being down does not make the node unready for intake")
        let lag = try json(status)["sinks"]?["mongodb"]
        XCTAssertGreaterThan(lag?["lag_events"]?.intValue ?? 0, 0, "lag in events: \(String(describing: lag))")
        XCTAssertGreaterThanOrEqual(lag?["lag_seconds"]?.intValue ?? -1, 0)

        try await mongo.start()
        let returned = ContinuousClock.now
        try await eventually(timeout: .seconds(10), "ready again within 10 s of the store's return") {
            try await state(hub, "mongodb") == "ready"
        }
        XCTAssertLessThan(ContinuousClock.now - returned, .seconds(10))
        let expected = sent
        try await eventually(timeout: .seconds(60), "nothing lost") { try await mongoCount(pool) == expected }
        let caughtUp = try json(try await get(hub.baseURL + "/readyz"))["sinks"]?["mongodb"]
        XCTAssertEqual(caughtUp?["lag_events"]?.intValue, 0)
        XCTAssertEqual(caughtUp?["lag_seconds"]?.intValue, 0)
    }

    /// Elasticsearch reached through a relay the test cuts: connections refused and dropped.
    func testAnUnreachableElasticsearchIsShownUnavailableWithinTenSecondsAndReadyAgainAfterwards() async throws {
        let upstream = try XCTUnwrap(URLComponents(string: elasticsearchURL))
        let relay = try await TCPForwarder.start(to: upstream.host ?? "127.0.0.1", port: upstream.port ?? 9200)
        let hub = try await startHub(mongo: false, extra: ["ADMIN_ELASTICSEARCH_URL": "http://127.0.0.1:\(relay.port)",
                                                           "ADMIN_DELIVERY_PROBE_INTERVAL_SECONDS": "2"])
        let token = try createToken()
        var sent = 0
        try await postBatch(hub, token, prefix: "before", &sent)
        try await eventually("ready") { try await state(hub, "elasticsearch") == "ready" }

        relay.cut()
        let cut = ContinuousClock.now
        try await postBatch(hub, token, prefix: "during", &sent)
        try await eventually(timeout: .seconds(10), "shown unavailable within 10 s") {
            try await state(hub, "elasticsearch") == "unavailable"
        }
        XCTAssertLessThan(ContinuousClock.now - cut, .seconds(10))
        let detail = try await staffStatus(hub)
        XCTAssertFalse(detail.isEmpty)

        relay.restore()
        let restored = ContinuousClock.now
        try await eventually(timeout: .seconds(10), "ready again within 10 s") { try await state(hub, "elasticsearch") == "ready" }
        XCTAssertLessThan(ContinuousClock.now - restored, .seconds(10))
        let expected = sent
        try await eventually(timeout: .seconds(60), "nothing lost") { try await elasticsearchCount() == expected }
        await relay.stop()
    }

    private func postBatch(_ hub: HubProcess, _ token: String, prefix: String, _ sent: inout Int) async throws {
        let response = try await post(hub, body: ndjson(50, idPrefix: prefix), token: token)
        XCTAssertEqual(response.status, 202, response.bodyText)
        sent += 50
    }

    private func state(_ hub: HubProcess, _ sink: String) async throws -> String? {
        try json(try await get(hub.baseURL + "/readyz"))["sinks"]?[sink]?["state"]?.stringValue
    }

    /// The public page has no error text; `/metrics` has the lag gauges.
    private func staffStatus(_ hub: HubProcess) async throws -> String {
        let readiness = try await get(hub.baseURL + "/readyz")
        XCTAssertFalse(readiness.bodyText.contains("detail"), "error text stays behind config.read")
        let metrics = try await get(hub.baseURL + "/metrics")
        XCTAssertTrue(metrics.bodyText.contains("admin_sink_lag_events"), "lag in events in /metrics")
        XCTAssertTrue(metrics.bodyText.contains("admin_sink_lag_seconds"), "lag in seconds in /metrics")
        return metrics.bodyText
    }
}
