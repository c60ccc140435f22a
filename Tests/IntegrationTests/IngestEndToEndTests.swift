import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest
import ClientMongo

/// The backbone as a service sees it: send logs, find them in MongoDB and Elasticsearch.
final class IngestEndToEndTests: HubTestCase {
    func testDocumentsInBothStoresHaveTheContractShape() async throws {
        let hub = try await startHub()
        let token = try createToken(service: "core")
        let event = #"{"timestamp":"2026-11-25T10:05:00.123+00:00","levelname":"ERROR","msg":"payment failed for shop 42","#
            + #""name":"billing.views","hostname":"core-web-3","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"r-9f2","#
            + #""shop_id":42,"order":{"items":3},"password":"hunter2","#
            + #""exc_info":"Traceback (most recent call last):\n  File \"billing/views.py\", line 88, in pay\n    charge()\nValueError: card declined"}"#
        let response = try await post(hub, body: Array(event.utf8), token: token, contentType: "application/json")
        XCTAssertEqual(response.status, 202, response.bodyText)
        let receipt = try json(response)
        XCTAssertEqual(receipt["accepted"], 1)
        XCTAssertEqual(receipt["rejected"], 0)

        let pool = try mongoPool()
        try await eventually("the event in MongoDB") { try await mongoCount(pool) == 1 }
        let stored = try await pool.find(database: mongoDatabase, collection: "logs", filter: [:], limit: 10)
        let doc = try XCTUnwrap(stored.first)
        let id = try XCTUnwrap(doc["event"]?["id"]?.stringValue)
        XCTAssertEqual(doc["_id"]?.stringValue, id)
        XCTAssertEqual(doc["@timestamp"]?.stringValue, "2026-11-25T10:05:00.123Z")
        XCTAssertEqual(doc["log"]?["level"], "error")
        XCTAssertEqual(doc["log"]?["logger"], "billing.views")
        XCTAssertEqual(doc["service"]?["name"], "core")
        XCTAssertEqual(doc["service"]?["environment"], "production")
        XCTAssertEqual(doc["host"]?["name"], "core-web-3")
        XCTAssertEqual(doc["message"], "payment failed for shop 42")
        XCTAssertEqual(doc["trace"]?["id"], "4bf92f3577b34da6a3ce929d0e0e4736")
        XCTAssertEqual(doc["http"]?["request"]?["id"], "r-9f2")
        XCTAssertEqual(doc["error"]?["type"], "ValueError")
        XCTAssertEqual(doc["error"]?["message"], "card declined")
        XCTAssertEqual(doc["labels"]?["shop_id"], "42")
        XCTAssertEqual(doc["attributes"]?["order"]?["items"], 3)
        XCTAssertEqual(doc["labels"]?["password"] ?? doc["attributes"]?["password"], "[REDACTED]")
        XCTAssertEqual(doc["event"]?["dataset"], "core")
        XCTAssertNotNil(doc["event"]?["ingested"]?.stringValue)

        try await eventually("the event in Elasticsearch") { try await elasticsearchCount() == 1 }
        let hits = try await elasticsearchSearch(["match_all": [:]])
        let hit = try XCTUnwrap(hits.first)
        XCTAssertEqual(hit["_id"]?.stringValue, id)
        XCTAssertEqual(hit["_index"]?.stringValue, "\(indexPrefix)-2026.11.25")
        let source = try XCTUnwrap(hit["_source"])
        XCTAssertEqual(source["@timestamp"], "2026-11-25T10:05:00.123Z")
        XCTAssertEqual(source["error"]?["type"], "ValueError")
        XCTAssertEqual(source["labels"]?["shop_id"], "42")
        XCTAssertEqual(source["message"], doc["message"])
    }

    func testRepeatedClientIDIsStoredOnce() async throws {
        let hub = try await startHub()
        let token = try createToken()
        let body = ndjson(5, idPrefix: "dup")
        for _ in 0..<2 {
            let response = try await post(hub, body: body, token: token)
            XCTAssertEqual(response.status, 202, response.bodyText)
        }
        let pool = try mongoPool()
        try await eventually("five events in MongoDB") { try await mongoCount(pool) == 5 }
        try await eventually("five events in Elasticsearch") { try await elasticsearchCount() == 5 }
        // Both copies have been through both sinks once the spool cursors pass them.
        try await eventually("spool drained") { try await lagOf(hub) == 0 }
        let mongoTotal = try await mongoCount(pool)
        let esTotal = try await elasticsearchCount()
        XCTAssertEqual(mongoTotal, 5)
        XCTAssertEqual(esTotal, 5)
    }

    func testTokenLifecycle() async throws {
        let hub = try await startHub(mongo: false, elasticsearch: false)
        let token = try createToken(service: "gate")
        let body = ndjson(1, idPrefix: "tok")

        let missing = try await post(hub, body: body, token: nil)
        XCTAssertEqual(missing.status, 401)
        XCTAssertEqual(try json(missing)["error"], "missing_token")
        let forged = try await post(hub, body: body, token: "dmp_" + String(repeating: "x", count: 40))
        XCTAssertEqual(forged.status, 401)
        XCTAssertEqual(try json(forged)["error"], "invalid_token")
        let ok = try await post(hub, body: body, token: token)
        XCTAssertEqual(ok.status, 202)

        let list = try runAdmin(["token", "list"], environment: ["ADMIN_DATABASE_URL": databaseURL])
        XCTAssertTrue(list.contains("gate"))
        XCTAssertFalse(list.contains(token), "a listing must never show the secret")
        let id = try XCTUnwrap(list.split(separator: "\n").dropFirst().first?.split(separator: "\t").first)
        try runAdmin(["token", "revoke", String(id)], environment: ["ADMIN_DATABASE_URL": databaseURL])
        try await eventually(timeout: .seconds(10), "revocation reaches the hub") {
            try await post(hub, body: body, token: token).status == 403
        }
        let revoked = try await post(hub, body: body, token: token)
        XCTAssertEqual(try json(revoked)["error"], "token_revoked")
    }

    func testReadyzReportsSinksAndMetricsCountEvents() async throws {
        let hub = try await startHub()
        let token = try createToken()
        _ = try await post(hub, body: ndjson(3, idPrefix: "m") + Array("{bad\n".utf8), token: token)
        try await eventually("sinks ready") {
            let ready = try json(try await get(hub.baseURL + "/readyz"))
            return ready["sinks"]?["mongodb"]?["state"] == "ready" && ready["sinks"]?["elasticsearch"]?["state"] == "ready"
        }
        let readyz = try await get(hub.baseURL + "/readyz")
        XCTAssertEqual(readyz.status, 200)
        let ready = try json(readyz)
        XCTAssertEqual(ready["database"]?["state"], "ready")
        XCTAssertEqual(ready["spool"]?["state"], "ready")
        XCTAssertNotNil(ready["sinks"]?["mongodb"]?["lag_bytes"])

        let metrics = try await get(hub.baseURL + "/metrics").bodyText
        XCTAssertTrue(metrics.contains(#"admin_ingest_events_total{outcome="accepted",reason=""} 3"#), metrics)
        XCTAssertTrue(metrics.contains(#"admin_ingest_events_total{outcome="rejected",reason="invalid_json"} 1"#), metrics)
        XCTAssertTrue(metrics.contains("admin_spool_bytes"))
        XCTAssertTrue(metrics.contains("admin_ingest_request_duration_seconds_bucket"))
        try await eventually("delivered counters") {
            let text = try await get(hub.baseURL + "/metrics").bodyText
            return text.contains(#"admin_sink_delivered_total{sink="mongodb"} 3"#) && text.contains(#"admin_sink_delivered_total{sink="elasticsearch"} 3"#)
        }
    }

    func lagOf(_ hub: HubProcess) async throws -> Int64 {
        let ready = try json(try await get(hub.baseURL + "/readyz"))
        var total: Int64 = 0
        for sink in ["mongodb", "elasticsearch"] {
            guard case .int(let lag)? = ready["sinks"]?[sink]?["lag_bytes"] else { return -1 }
            total += lag
        }
        return total
    }
}
