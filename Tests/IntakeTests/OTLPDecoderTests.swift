import Foundation
import Intake
import LogModel
import NIOCore
import OTLPProto
import SwiftProtobuf
import Transforms
import XCTest

/// OTLP/HTTP logs read as the spec writes them: protobuf and OTLP/JSON (hex ids, camelCase or
/// snake_case, 64-bit integers as strings) give the same stored documents.
final class OTLPDecoderTests: XCTestCase {
    private let context = IngestContext(serviceName: "core", receivedAtMicros: 1_764_669_700_000_000)

    private func keyValue(_ key: String, _ value: Opentelemetry_Proto_Common_V1_AnyValue) -> Opentelemetry_Proto_Common_V1_KeyValue {
        var kv = Opentelemetry_Proto_Common_V1_KeyValue()
        kv.key = key
        kv.value = value
        return kv
    }

    private func string(_ s: String) -> Opentelemetry_Proto_Common_V1_AnyValue {
        var v = Opentelemetry_Proto_Common_V1_AnyValue()
        v.stringValue = s
        return v
    }

    /// The request that `sampleJSON` spells in OTLP/JSON.
    private func sampleRequest() -> Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest {
        var resource = Opentelemetry_Proto_Resource_V1_Resource()
        resource.attributes = [keyValue("service.name", string("checkout")), keyValue("deployment.environment", string("staging")),
                               keyValue("telemetry.sdk.language", string("python"))]
        var scope = Opentelemetry_Proto_Common_V1_InstrumentationScope()
        scope.name = "shop.checkout"
        scope.version = "1.2.0"

        var info = Opentelemetry_Proto_Logs_V1_LogRecord()
        info.timeUnixNano = 1_764_669_600_250_000_000
        info.severityNumber = .info
        info.severityText = "INFO"
        info.body = string("order 42 paid")
        var count = Opentelemetry_Proto_Common_V1_AnyValue()
        count.intValue = 3
        var http = Opentelemetry_Proto_Common_V1_AnyValue()
        var list = Opentelemetry_Proto_Common_V1_KeyValueList()
        list.values = [keyValue("method", string("POST"))]
        http.kvlistValue = list
        info.attributes = [keyValue("items", count), keyValue("http", http)]
        info.traceID = Data([0x4B, 0xF9, 0x2F, 0x35, 0x77, 0xB3, 0x4D, 0xA6, 0xA3, 0xCE, 0x92, 0x9D, 0x0E, 0x0E, 0x47, 0x36])
        info.spanID = Data([0x00, 0xF0, 0x67, 0xAA, 0x0B, 0xA9, 0x02, 0xB7])

        var failure = Opentelemetry_Proto_Logs_V1_LogRecord()
        failure.observedTimeUnixNano = 1_764_669_601_000_000_000
        failure.severityNumber = .error3
        var structured = Opentelemetry_Proto_Common_V1_AnyValue()
        var fields = Opentelemetry_Proto_Common_V1_KeyValueList()
        fields.values = [keyValue("step", string("capture"))]
        structured.kvlistValue = fields
        failure.body = structured
        failure.attributes = [keyValue("exception.type", string("ValueError")), keyValue("exception.message", string("card declined")),
                              keyValue("exception.stacktrace", string("Traceback (most recent call last):\n  File \"a.py\", line 1, in f\nValueError: card declined"))]

        var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        scopeLogs.scope = scope
        scopeLogs.logRecords = [info, failure]
        var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
        resourceLogs.resource = resource
        resourceLogs.scopeLogs = [scopeLogs]
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        request.resourceLogs = [resourceLogs]
        return request
    }

    private let sampleJSON = #"""
    {"resourceLogs":[{"resource":{"attributes":[
        {"key":"service.name","value":{"stringValue":"checkout"}},
        {"key":"deployment.environment","value":{"stringValue":"staging"}},
        {"key":"telemetry.sdk.language","value":{"stringValue":"python"}}]},
      "scopeLogs":[{"scope":{"name":"shop.checkout","version":"1.2.0"},"logRecords":[
        {"timeUnixNano":"1764669600250000000","severityNumber":9,"severityText":"INFO","body":{"stringValue":"order 42 paid"},
         "attributes":[{"key":"items","value":{"intValue":"3"}},
                       {"key":"http","value":{"kvlistValue":{"values":[{"key":"method","value":{"stringValue":"POST"}}]}}}],
         "traceId":"4BF92F3577B34DA6A3CE929D0E0E4736","spanId":"00f067aa0ba902b7"},
        {"observed_time_unix_nano":1764669601000000000,"severity_number":19,"body":{"kvlist_value":{"values":[{"key":"step","value":{"string_value":"capture"}}]}},
         "attributes":[{"key":"exception.type","value":{"stringValue":"ValueError"}},
                       {"key":"exception.message","value":{"stringValue":"card declined"}},
                       {"key":"exception.stacktrace","value":{"stringValue":"Traceback (most recent call last):\n  File \"a.py\", line 1, in f\nValueError: card declined"}}]}
      ]}]}]}
    """#

    private func documents(_ logs: OTLPLogs) throws -> [JSONValue] {
        try logs.events.map { .object(try EventNormalizer().normalize($0, context: context).document) }
    }

    func testProtobufAndJSONGiveTheSameStoredDocuments() throws {
        let protobuf = try OTLPLogsDecoder.decode(ByteBuffer(bytes: sampleRequest().serializedBytes() as [UInt8]), encoding: .protobuf)
        let json = try OTLPLogsDecoder.decode(ByteBuffer(string: sampleJSON), encoding: .json)
        XCTAssertEqual(protobuf.rejected, [])
        XCTAssertEqual(json.rejected, [])
        XCTAssertEqual(protobuf.events.count, 2)
        XCTAssertEqual(protobuf.events, json.events)  // event ids included: a JSON retry of a protobuf export is stored once too

        let documents = try documents(json)
        let info = documents[0], failure = documents[1]
        XCTAssertEqual(info["@timestamp"], "2025-12-02T10:00:00.250Z")
        XCTAssertEqual(info["log"]?["level"], "info")
        XCTAssertEqual(info["log"]?["logger"], "shop.checkout")
        XCTAssertEqual(info["message"], "order 42 paid")
        XCTAssertEqual(info["service"]?["name"], "checkout")
        XCTAssertEqual(info["service"]?["environment"], "staging")
        XCTAssertEqual(info["trace"]?["id"], "4bf92f3577b34da6a3ce929d0e0e4736")
        XCTAssertEqual(info["span"]?["id"], "00f067aa0ba902b7")
        XCTAssertEqual(info["labels"]?["items"], "3")
        XCTAssertEqual(info["labels"]?["http_method"], "POST")  // nested attributes flattened to http.method
        XCTAssertEqual(info["labels"]?["otel_severity_text"], "INFO")
        XCTAssertEqual(info["labels"]?["otel_scope_version"], "1.2.0")
        XCTAssertEqual(info["labels"]?["resource_telemetry_sdk_language"], "python")
        XCTAssertEqual(info["event"]?["id"]?.stringValue?.count, 32)

        XCTAssertEqual(failure["@timestamp"], "2025-12-02T10:00:01.000Z")  // the observed time when time_unix_nano is 0
        XCTAssertEqual(failure["log"]?["level"], "error")
        XCTAssertEqual(failure["message"], #"{"step":"capture"}"#)
        XCTAssertEqual(failure["attributes"]?["body"]?["step"], "capture")
        XCTAssertEqual(failure["error"]?["type"], "ValueError")
        XCTAssertEqual(failure["error"]?["message"], "card declined")
        XCTAssertTrue(failure["error"]?["stack_trace"]?.stringValue?.hasPrefix("Traceback") == true)
        XCTAssertNil(failure["trace"])
        XCTAssertNotEqual(info["event"]?["id"], failure["event"]?["id"])
    }

    func testSeverityNumbersMapToTheHubsLevels() throws {
        let expected: [(Int, String)] = [(1, "trace"), (4, "trace"), (5, "debug"), (8, "debug"), (9, "info"), (12, "info"),
                                         (13, "warning"), (16, "warning"), (17, "error"), (20, "error"), (21, "critical"), (24, "critical")]
        for (number, level) in expected {
            let body = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":\#(number),"body":{"stringValue":"x"}}]}]}]}"#
            let event = try XCTUnwrap(OTLPLogsDecoder.decode(ByteBuffer(string: body), encoding: .json).events.first)
            XCTAssertEqual(JSONValue.object(try EventNormalizer().normalize(event, context: context).document)["log"]?["level"], .string(level), "\(number)")
        }
        // No number: the text is read as a level name; neither: info, as for any event without a level.
        let texts = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityText":"WARN"},{"body":{"stringValue":"plain"}}]}]}]}"#
        let events = try OTLPLogsDecoder.decode(ByteBuffer(string: texts), encoding: .json).events
        XCTAssertEqual(JSONValue.object(try EventNormalizer().normalize(events[0], context: context).document)["log"]?["level"], "warning")
        XCTAssertEqual(JSONValue.object(try EventNormalizer().normalize(events[1], context: context).document)["log"]?["level"], "info")
    }

    func testTheSDKsDefaultServiceNameLeavesTheTokensServiceAndIdsOfZerosAreNone() throws {
        let body = #"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"unknown_service:python"}}]},"scopeLogs":[{"logRecords":[{"body":{"stringValue":"x"},"traceId":"00000000000000000000000000000000","spanId":""}]}]}]}"#
        let document = try documents(OTLPLogsDecoder.decode(ByteBuffer(string: body), encoding: .json))[0]
        XCTAssertEqual(document["service"]?["name"], "core")
        XCTAssertNil(document["trace"])
    }

    func testAnEventIDAttributeIsTheIdempotencyKey() throws {
        let body = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"x"},"attributes":[{"key":"event.id","value":{"stringValue":"order-42-paid"}},{"key":"id","value":{"intValue":42}}]}]}]}]}"#
        let document = try documents(OTLPLogsDecoder.decode(ByteBuffer(string: body), encoding: .json))[0]
        XCTAssertEqual(document["event"]?["id"], "order-42-paid")
        XCTAssertEqual(document["labels"]?["id"], "42")  // a record attribute `id` is data, not the event id
    }

    func testAMalformedJSONRecordIsRefusedAloneAndAMalformedEnvelopeRefusesTheRequest() throws {
        let body = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"good 1"}},{"body":{"stringValue":"bad"},"traceId":"not-hex"},{"body":{"stringValue":"good 2"},"timeUnixNano":"soon"},{"body":{"stringValue":"good 3"}}]}]}]}"#
        let logs = try OTLPLogsDecoder.decode(ByteBuffer(string: body), encoding: .json)
        XCTAssertEqual(logs.events.map { $0["message"] }, ["good 1", "good 3"])
        XCTAssertEqual(logs.rejected.count, 2)
        XCTAssertTrue(logs.rejected[0].contains("traceId must be 32 hex digits"), logs.rejected[0])

        for bad in ["{not json", "[]", #"{"resourceLogs":{}}"#, #"{"resourceLogs":[{"scopeLogs":[{"scope":"x"}]}]}"#] {
            XCTAssertThrowsError(try OTLPLogsDecoder.decode(ByteBuffer(string: bad), encoding: .json), bad) { error in
                XCTAssertTrue(error is OTLPDecodingError, "\(error)")
            }
        }
    }

    func testGarbageProtobufIsATypedError() {
        for garbage: [UInt8] in [[0xFF, 0xFF, 0xFF], Array("this is not protobuf".utf8), [0x0A, 0x05, 0x0A]] {
            XCTAssertThrowsError(try OTLPLogsDecoder.decode(ByteBuffer(bytes: garbage), encoding: .protobuf), "\(garbage)") { error in
                XCTAssertTrue(error is OTLPDecodingError, "\(error)")
            }
        }
        // An empty body is a valid, empty request.
        XCTAssertEqual(try OTLPLogsDecoder.decode(ByteBuffer(), encoding: .protobuf).events.count, 0)
    }

    func testAnswersInBothEncodings() throws {
        let partial = try Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse(
            serializedBytes: OTLPAnswer.exported(rejected: 2, message: "2 refused", encoding: .protobuf))
        XCTAssertEqual(partial.partialSuccess.rejectedLogRecords, 2)
        XCTAssertEqual(partial.partialSuccess.errorMessage, "2 refused")
        let full = try Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse(
            serializedBytes: OTLPAnswer.exported(rejected: 0, message: "", encoding: .protobuf))
        XCTAssertFalse(full.hasPartialSuccess)
        XCTAssertEqual(try JSONParser.parse(OTLPAnswer.exported(rejected: 1, message: "m", encoding: .json)),
                       ["partialSuccess": ["rejectedLogRecords": "1", "errorMessage": "m"]])
        XCTAssertEqual(try JSONParser.parse(OTLPAnswer.exported(rejected: 0, message: "", encoding: .json)), [:])
        let status = try Google_Rpc_Status(serializedBytes: OTLPAnswer.status(.invalidArgument, message: "bad", encoding: .protobuf))
        XCTAssertEqual(status.code, 3)
        XCTAssertEqual(status.message, "bad")
        XCTAssertEqual(OTLPEncoding(contentType: "application/x-protobuf"), .protobuf)
        XCTAssertEqual(OTLPEncoding(contentType: "application/json; charset=utf-8"), .json)
        XCTAssertNil(OTLPEncoding(contentType: "text/plain"))
    }
}
