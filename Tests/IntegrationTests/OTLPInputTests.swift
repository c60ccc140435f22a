import ClientHTTP
import Foundation
import LogModel
import OTLPProto
import SwiftProtobuf
import TestSupport
import XCTest

/// OTLP/HTTP logs on `POST /v1/logs`, shipped by OpenTelemetry's Python SDK (protobuf, gzip) and by
/// hand in OTLP/JSON as the spec writes it: every record lands once in both stores with its fields,
/// a resent export is stored once, and bad input gets OTLP's own answers.
final class OTLPInputTests: HubTestCase {
    private typealias ExportResponse = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse

    func testOpenTelemetrySDKShipsLogsWithTraceIdsAndExceptions() async throws {
        let python = packageRoot() + "/.venv/bin/python"
        guard (try? BrowserTest.run(python, ["-c", "import opentelemetry.exporter.otlp.proto.http, opentelemetry.sdk"]).status) == 0 else {
            throw StandIns.missing("opentelemetry-sdk and opentelemetry-exporter-otlp-proto-http in the project's virtualenv (scripts/install-deps)")
        }
        let hub = try await startHub(extra: ["ADMIN_INPUTS_OTLP_ENABLED": "true"])
        let token = try createToken(service: "core")
        let run = "otel\(UUID().uuidString.prefix(6).lowercased())"
        let result = try BrowserTest.run(python, [packageRoot() + "/scripts/clients/otlp_logs.py", hub.baseURL + "/v1/logs", token, run, "20"])
        XCTAssertEqual(result.status, 0, result.text)
        let traceID = String(result.text.split(separator: "\n").last ?? "")
        XCTAssertEqual(traceID.count, 32, result.text)
        XCTAssertFalse(result.text.contains("Failed to export"), result.text)

        let pool = try mongoPool()
        try await eventually("21 OTLP records in MongoDB and Elasticsearch") {
            let mongo = try await mongoCount(pool, filter: ["labels.run": .string(run)])
            let elasticsearch = try await elasticsearchCount(query: ["term": ["labels.run": .string(run)]])
            return mongo == 21 && elasticsearch == 21
        }
        let errors = try await elasticsearchSearch(["bool": ["filter": [["term": ["labels.run": .string(run)]], ["term": ["log.level": "error"]]]]])
        XCTAssertEqual(errors.count, 1)
        let error = try XCTUnwrap(errors.first?["_source"])
        XCTAssertEqual(error["message"], .string("otel failure of \(run)"))
        XCTAssertEqual(error["error"]?["type"], "KeyError")
        XCTAssertTrue(error["error"]?["stack_trace"]?.stringValue?.contains("in main") == true, "\(error)")
        XCTAssertEqual(error["trace"]?["id"], .string(traceID))  // logged inside the span
        XCTAssertEqual(error["span"]?["id"]?.stringValue?.count, 16)
        XCTAssertEqual(error["service"]?["name"], "checkout")  // the resource's service.name
        XCTAssertEqual(error["service"]?["environment"], "staging")
        XCTAssertEqual(error["host"]?["name"], "otlp-host-1")
        XCTAssertEqual(error["log"]?["logger"], "shop.checkout")  // the scope: the Python logger's name
        let infos = try await elasticsearchSearch(["bool": ["filter": [["term": ["labels.run": .string(run)]], ["term": ["labels.n": "7"]]]]])
        XCTAssertEqual(infos.count, 1)
        XCTAssertEqual(infos.first?["_source"]?["message"], .string("otel event 7 of \(run)"))
        XCTAssertEqual(infos.first?["_source"]?["log"]?["level"], "info")
        XCTAssertEqual(infos.first?["_source"]?["labels"]?["shop_id"], "42")
        try await Task.sleep(for: .seconds(1))
        let total = try await mongoCount(pool)
        XCTAssertEqual(total, 21)  // each record once
    }

    func testJSONAndProtobufExportsAreStoredOnceWhenResentAndBadRecordsArePartialSuccesses() async throws {
        let hub = try await startHub(extra: ["ADMIN_INPUTS_OTLP_ENABLED": "true"])
        let token = try createToken(service: "core")
        let pool = try mongoPool()

        // OTLP/JSON as the spec and the Collector's examples write it, sent twice (a retry).
        let json = #"""
        {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"billing"}}]},
          "scopeLogs":[{"scope":{"name":"billing.views"},"logRecords":[
            {"timeUnixNano":"1764669600000000000","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"json record one"},
             "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174",
             "attributes":[{"key":"run","value":{"stringValue":"json"}},{"key":"order.id","value":{"intValue":"42"}}]},
            {"timeUnixNano":"1764669600100000000","severityNumber":9,"body":{"stringValue":"json record two"},
             "attributes":[{"key":"run","value":{"stringValue":"json"}}]}]}]}]}
        """#
        for _ in 0..<2 {
            let response = try await post(hub, body: Array(json.utf8), token: token, contentType: "application/json", path: "/v1/logs")
            XCTAssertEqual(response.status, 200, response.bodyText)
            XCTAssertEqual(try JSONParser.parse(response.body), [:])  // all taken: no partial_success
            XCTAssertEqual(response.headers["Content-Type"], "application/json")
        }
        // The same records as protobuf, also twice.
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        request.resourceLogs = [resourceLogs(run: "protobuf", messages: ["protobuf one", "protobuf two", "protobuf three"])]
        for _ in 0..<2 {
            let response = try await post(hub, body: try request.serializedBytes(), token: token, contentType: "application/x-protobuf", path: "/v1/logs")
            XCTAssertEqual(response.status, 200, response.bodyText)
            XCTAssertFalse(try ExportResponse(serializedBytes: response.body).hasPartialSuccess)
        }
        try await eventually("2 JSON and 3 protobuf records in both stores") {
            let mongo = try await mongoCount(pool)
            let elasticsearch = try await elasticsearchCount()
            return mongo == 5 && elasticsearch == 5
        }
        let one = try await elasticsearchSearch(["term": ["labels.order_id": "42"]])
        XCTAssertEqual(one.count, 1)
        let stored = try XCTUnwrap(one.first?["_source"])
        XCTAssertEqual(stored["trace"]?["id"], "5b8efff798038103d269b633813fc60c")  // hex, lowercase
        XCTAssertEqual(stored["span"]?["id"], "eee19b7ec3c1b174")
        XCTAssertEqual(stored["@timestamp"], "2025-12-02T10:00:00.000Z")
        XCTAssertEqual(stored["log"]?["level"], "error")
        XCTAssertEqual(stored["service"]?["name"], "billing")
        XCTAssertEqual(stored["log"]?["logger"], "billing.views")

        // One bad record among good ones: 200 with partial_success, the others stored.
        let partial = #"""
        {"resourceLogs":[{"scopeLogs":[{"logRecords":[
          {"body":{"stringValue":"partial good 1"},"attributes":[{"key":"run","value":{"stringValue":"partial"}}]},
          {"body":{"stringValue":"partial bad"},"traceId":"not hex at all"},
          {"body":{"stringValue":"partial good 2"},"attributes":[{"key":"run","value":{"stringValue":"partial"}}]}]}]}]}
        """#
        let partialResponse = try await post(hub, body: Array(partial.utf8), token: token, contentType: "application/json", path: "/v1/logs")
        XCTAssertEqual(partialResponse.status, 200, partialResponse.bodyText)
        let answer = try JSONParser.parse(partialResponse.body)
        XCTAssertEqual(answer["partialSuccess"]?["rejectedLogRecords"], "1")
        XCTAssertTrue(answer["partialSuccess"]?["errorMessage"]?.stringValue?.contains("traceId") == true, partialResponse.bodyText)
        // A record over the per-event limit is refused alone too, and counted in the protobuf answer.
        var large = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        large.resourceLogs = [resourceLogs(run: "large", messages: ["small", String(repeating: "x", count: 300 * 1024)])]
        let largeResponse = try await post(hub, body: try large.serializedBytes(), token: token, contentType: "application/x-protobuf", path: "/v1/logs")
        XCTAssertEqual(largeResponse.status, 200)
        let largeAnswer = try ExportResponse(serializedBytes: largeResponse.body)
        XCTAssertEqual(largeAnswer.partialSuccess.rejectedLogRecords, 1)
        XCTAssertTrue(largeAnswer.partialSuccess.errorMessage.contains("event_too_large"), largeAnswer.partialSuccess.errorMessage)
        try await eventually("the good records of both requests stored") {
            let partial = try await mongoCount(pool, filter: ["labels.run": "partial"])
            let large = try await mongoCount(pool, filter: ["labels.run": "large"])
            return partial == 2 && large == 1
        }

        // Garbage: 400 with a google.rpc.Status in the request's encoding, nothing stored, the hub up.
        let garbage = try await post(hub, body: [0xFF, 0xFF, 0xFF, 0x01], token: token, contentType: "application/x-protobuf", path: "/v1/logs")
        XCTAssertEqual(garbage.status, 400)
        let status = try Google_Rpc_Status(serializedBytes: garbage.body)
        XCTAssertEqual(status.code, 3)  // INVALID_ARGUMENT
        XCTAssertTrue(status.message.contains("protobuf"), status.message)
        let badJSON = try await post(hub, body: Array("{not json".utf8), token: token, contentType: "application/json", path: "/v1/logs")
        XCTAssertEqual(badJSON.status, 400)
        XCTAssertEqual(try JSONParser.parse(badJSON.body)["code"], 3)
        let text = try await post(hub, body: Array("hello".utf8), token: token, contentType: "text/plain", path: "/v1/logs")
        XCTAssertEqual(text.status, 415)
        let anonymous = try await post(hub, body: try request.serializedBytes(), token: nil, contentType: "application/x-protobuf", path: "/v1/logs")
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertEqual(try Google_Rpc_Status(serializedBytes: anonymous.body).code, 16)  // UNAUTHENTICATED
        let health = try await get(hub.baseURL + "/healthz")
        XCTAssertEqual(health.status, 200)
        try await Task.sleep(for: .seconds(1))
        let total = try await mongoCount(pool)
        XCTAssertEqual(total, 8)  // 5 + 2 partial + 1 large: nothing of the refused requests
    }

    func testTheInputIsOffUnlessSwitchedOn() async throws {
        let hub = try await startHub()
        let token = try createToken()
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        request.resourceLogs = [resourceLogs(run: "off", messages: ["never stored"])]
        let response = try await post(hub, body: try request.serializedBytes(), token: token, contentType: "application/x-protobuf", path: "/v1/logs")
        XCTAssertEqual(response.status, 404)
        XCTAssertTrue(try Google_Rpc_Status(serializedBytes: response.body).message.contains("ADMIN_INPUTS_OTLP_ENABLED=true"))
        let anonymous = try await post(hub, body: [], token: nil, contentType: "application/x-protobuf", path: "/v1/logs")
        XCTAssertEqual(anonymous.status, 401)
    }

    func testBackpressureIsTheSpecsRetryableAnswerAndRefusalsAreCounted() async throws {
        let hub = try await startHub(extra: ["ADMIN_INPUTS_OTLP_ENABLED": "true", "ADMIN_INTAKE_RATE_LIMIT": "2"])
        let token = try createToken()
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        request.resourceLogs = [resourceLogs(run: "limited", messages: ["one", "two", "three"])]
        let first = try await post(hub, body: try request.serializedBytes(), token: token, contentType: "application/x-protobuf", path: "/v1/logs")
        XCTAssertEqual(first.status, 200)  // a full bucket lets one batch over the burst through
        request.resourceLogs = [resourceLogs(run: "limited", messages: ["four", "five", "six"])]
        let second = try await post(hub, body: try request.serializedBytes(), token: token, contentType: "application/x-protobuf", path: "/v1/logs")
        XCTAssertEqual(second.status, 429)
        XCTAssertNotNil(second.headers["Retry-After"].flatMap { Int($0) })
        XCTAssertEqual(try Google_Rpc_Status(serializedBytes: second.body).code, 8)  // RESOURCE_EXHAUSTED
        let garbage = try await post(hub, body: [0xFF], token: token, contentType: "application/x-protobuf", path: "/v1/logs")
        XCTAssertEqual(garbage.status, 400)
        let metrics = try await get(hub.baseURL + "/metrics").bodyText
        XCTAssertTrue(metrics.contains(#"admin_ingest_events_total{outcome="rejected",reason="invalid_otlp"} 1"#), metrics)
        let pool = try mongoPool()
        try await eventually("the first batch stored") { try await mongoCount(pool) == 3 }
        try await Task.sleep(for: .seconds(1))
        let total = try await mongoCount(pool)
        XCTAssertEqual(total, 3)  // nothing of the refused request
    }

    private func resourceLogs(run: String, messages: [String]) -> Opentelemetry_Proto_Logs_V1_ResourceLogs {
        var runValue = Opentelemetry_Proto_Common_V1_AnyValue()
        runValue.stringValue = run
        var runAttribute = Opentelemetry_Proto_Common_V1_KeyValue()
        runAttribute.key = "run"
        runAttribute.value = runValue
        var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        scopeLogs.scope.name = "tests.otlp"
        let now = UInt64(Date().timeIntervalSince1970 * 1_000_000_000)
        scopeLogs.logRecords = messages.enumerated().map { index, message in
            var record = Opentelemetry_Proto_Logs_V1_LogRecord()
            record.timeUnixNano = now + UInt64(index)
            record.severityNumber = .info
            record.body.stringValue = message
            record.attributes = [runAttribute]
            return record
        }
        var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
        resourceLogs.scopeLogs = [scopeLogs]
        return resourceLogs
    }
}
