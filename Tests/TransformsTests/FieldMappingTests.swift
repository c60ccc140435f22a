import LogModel
import Transforms
import XCTest

final class FieldMappingTests: XCTestCase {
    // MARK: - The document

    func testStoredDocumentHasTheContractShape() throws {
        let event = try normalize(#"""
            {"@timestamp": "2026-11-25T10:05:00.123Z", "event.id": "01936f3e-7c1a-7c3e-9b1e-2f4d5a6b7c8d",
             "level": "ERROR", "logger": "billing.views", "host": "core-web-3",
             "message": "payment failed for shop 42", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
             "request_id": "r-9f2", "error.type": "ValueError", "error.message": "card declined",
             "error.stack_trace": "Traceback ...", "shop_id": 42, "order": {"items": 3}}
            """#)
        XCTAssertEqual(event.document.jsonString, #"""
            {"@timestamp":"2026-11-25T10:05:00.123Z","event":{"id":"01936f3e-7c1a-7c3e-9b1e-2f4d5a6b7c8d","ingested":"2026-11-25T10:05:00.201Z","dataset":"core"},"log":{"level":"error","logger":"billing.views"},"service":{"name":"core","environment":"production"},"host":{"name":"core-web-3"},"message":"payment failed for shop 42","trace":{"id":"4bf92f3577b34da6a3ce929d0e0e4736"},"http":{"request":{"id":"r-9f2"}},"error":{"type":"ValueError","message":"card declined","stack_trace":"Traceback ..."},"labels":{"shop_id":"42"},"attributes":{"order":{"items":3}},"ingest":{"client_ip":"10.0.0.7"}}
            """#)
        XCTAssertEqual(event.id, "01936f3e-7c1a-7c3e-9b1e-2f4d5a6b7c8d")
        XCTAssertEqual(event.timestampMicros, 1_795_601_100_123_000)
    }

    func testSpoolRecordHasEveryOptionalPartInTheContractOrder() throws {
        let configuration = NormalizerConfiguration(maxMessageBytes: 8, maxLabels: 1, maxAttributeDepth: 1)
        let event = try normalize(#"""
            {"time": "not a time", "level": "loud", "logger": "l", "host": "h", "message": "a \"long\" message",
             "trace_id": "t", "span_id": "s", "request_id": "r", "user_id": 7, "error.message": "m",
             "exc_info": "x\ny", "a": "1", "b": "2", "deep": {"x": {"y": 1}}}
            """#, configuration: configuration)
        let record = try SpooledEvent(decoding: event.spoolRecord())
        XCTAssertEqual(String(decoding: record.json, as: UTF8.self), #"""
            {"@timestamp":"2026-11-25T10:05:00.201Z","event":{"id":"\#(event.id)","ingested":"2026-11-25T10:05:00.201Z","dataset":"core","original_timestamp":"not a time","truncated":true,"dropped_keys":1,"flattened_values":1},"log":{"level":"info","logger":"l","original_level":"loud"},"service":{"name":"core","environment":"production"},"host":{"name":"h"},"message":"a \"long\"","trace":{"id":"t"},"span":{"id":"s"},"http":{"request":{"id":"r"}},"user":{"id":"7"},"error":{"message":"m","stack_trace":"x\ny"},"labels":{"a":"1"},"attributes":{"deep":"{\"x\":{\"y\":1}}"},"ingest":{"client_ip":"10.0.0.7"}}
            """#)
        XCTAssertEqual(record.id, event.id)
    }

    func testSpoolRecordIsTheSpooledEventEncodedForGeneratedAndClientIDs() throws {
        let generated = try normalize(#"{"message": "x"}"#)
        let given = try normalize(#"{"id": "client-id_1", "message": "x"}"#)
        XCTAssertEqual(given.id, "client-id_1")
        for event in [generated, given] {
            XCTAssertEqual(event.spoolRecord(), event.spooled().encoded())
            XCTAssertEqual(try SpooledEvent(decoding: event.spoolRecord()).id, event.id)
        }
    }

    /// The record's header carries the document's `log.level` and `service.name`, so that alerting
    /// and the live tail skip most events without looking into the document.
    func testSpoolRecordHeaderHoldsTheLevelAndServiceOfTheDocument() throws {
        for (line, level, service) in [(#"{"level": "WARN", "service": "gate", "message": "x"}"#, Level.warning, "gate"),
                                       (#"{"id": "c1", "level": "critical", "message": "y"}"#, .critical, "core")] {
            let event = try normalize(line)
            let bytes = event.spoolRecord()
            let layout = try SpooledEvent.layout(of: bytes)
            XCTAssertEqual(layout.level, level)
            XCTAssertEqual(layout.service.map { String(decoding: bytes[$0], as: UTF8.self) }, service)
            XCTAssertEqual(LevelPeek.level(in: bytes, from: layout.jsonStart), level, "the document says the same")
        }
    }

    func testSpooledEventCarriesIDMillisecondsAndTheDocumentBytes() throws {
        let event = try normalize(#"{"ts": 1795601100.123456, "message": "x"}"#)
        let spooled = event.spooled()
        XCTAssertEqual(spooled.id, event.id)
        XCTAssertEqual(spooled.timestampMillis, 1_795_601_100_123)
        XCTAssertEqual(try JSONParser.parse(spooled.json), .object(event.document))
        XCTAssertEqual(spooled.target, "")
    }

    func testMinimalEventGetsEveryDefault() throws {
        let event = try normalize("{}")
        XCTAssertEqual(event["@timestamp"], "2026-11-25T10:05:00.201Z")
        XCTAssertEqual(event.timestampMicros, receivedAt)
        XCTAssertEqual(event["log.level"], "info")
        XCTAssertEqual(event["service.name"], "core")
        XCTAssertEqual(event["service.environment"], "production")
        XCTAssertEqual(event["event.dataset"], "core")
        XCTAssertEqual(event["ingest.client_ip"], "10.0.0.7")
        XCTAssertNil(event["message"])
        XCTAssertNil(event["labels"])
        XCTAssertNil(event["attributes"])
        XCTAssertNil(event["error"])
    }

    func testClientAddressIsLeftOutWhenUnknown() throws {
        let context = IngestContext(serviceName: "core", receivedAtMicros: receivedAt)
        XCTAssertNil(try normalize("{}", context: context)["ingest"])
    }

    // MARK: - Time

    func testEveryTimeKeyIsRead() throws {
        for key in ["@timestamp", "timestamp", "time", "ts", "asctime", "created"] {
            let event = try normalize(#"{"\#(key)": "2026-11-25T09:00:00Z"}"#)
            XCTAssertEqual(event["@timestamp"], "2026-11-25T09:00:00.000Z", key)
            XCTAssertNil(event["labels"], key)
        }
    }

    func testFirstTimeKeyInTableOrderWinsAndTheOthersStayLabels() throws {
        let event = try normalize(#"{"created": 1795600000.5, "asctime": "2026-11-25 09:00:00,250", "timestamp": "2026-11-25T08:00:00Z"}"#)
        XCTAssertEqual(event["@timestamp"], "2026-11-25T08:00:00.000Z")
        XCTAssertEqual(event["labels.asctime"], "2026-11-25 09:00:00,250")
        XCTAssertEqual(event["labels.created"], "1795600000.5")
    }

    func testPythonCreatedAndAsctimeAreRead() throws {
        XCTAssertEqual(try normalize(#"{"created": 1795601000.25}"#)["@timestamp"], "2026-11-25T10:03:20.250Z")
        XCTAssertEqual(try normalize(#"{"asctime": "2026-11-25 10:03:20,250"}"#)["@timestamp"], "2026-11-25T10:03:20.250Z")
    }

    func testEpochMillisecondsAndNanosecondsAreRead() throws {
        XCTAssertEqual(try normalize(#"{"ts": 1795601000250}"#)["@timestamp"], "2026-11-25T10:03:20.250Z")
        XCTAssertEqual(try normalize(#"{"ts": 1795601000250123456}"#)["@timestamp"], "2026-11-25T10:03:20.250Z")
    }

    func testTimeMoreThanADayAheadIsReplacedAndKept() throws {
        let event = try normalize(#"{"@timestamp": "2026-11-26T10:05:01Z"}"#)
        XCTAssertEqual(event.timestampMicros, receivedAt)
        XCTAssertEqual(event["event.original_timestamp"], "2026-11-26T10:05:01Z")
        let numeric = try normalize(#"{"ts": 1895601100}"#)
        XCTAssertEqual(numeric.timestampMicros, receivedAt)
        XCTAssertEqual(numeric["event.original_timestamp"], "1895601100")
    }

    func testTimeLessThanADayAheadIsKept() throws {
        let event = try normalize(#"{"@timestamp": "2026-11-26T10:04:00Z"}"#)
        XCTAssertEqual(event["@timestamp"], "2026-11-26T10:04:00.000Z")
        XCTAssertNil(event["event.original_timestamp"])
    }

    func testUnreadableTimeFallsBackToReceiveTimeAndIsKept() throws {
        let event = try normalize(#"{"time": "yesterday-ish"}"#)
        XCTAssertEqual(event.timestampMicros, receivedAt)
        XCTAssertEqual(event["event.original_timestamp"], "yesterday-ish")
    }

    func testOldEventsKeepTheirTime() throws {
        XCTAssertEqual(try normalize(#"{"time": "2019-01-01T00:00:00+01:00"}"#)["@timestamp"], "2018-12-31T23:00:00.000Z")
    }

    // MARK: - Severity

    func testEveryLevelKeyIsRead() throws {
        for key in ["log.level", "level", "severity", "levelname", "loglevel"] {
            XCTAssertEqual(try normalize(#"{"\#(key)": "WARN"}"#)["log.level"], "warning", key)
        }
        XCTAssertEqual(try normalize(#"{"log": {"level": "debug"}}"#)["log.level"], "debug")
    }

    func testFirstLevelKeyWins() throws {
        let event = try normalize(#"{"levelname": "ERROR", "level": "warning"}"#)
        XCTAssertEqual(event["log.level"], "warning")
        XCTAssertEqual(event["labels.levelname"], "ERROR")
    }

    func testNumericLevelsAreRead() throws {
        XCTAssertEqual(try normalize(#"{"level": 40}"#)["log.level"], "error")
        XCTAssertEqual(try normalize(#"{"severity": 2}"#)["log.level"], "critical")
        XCTAssertEqual(try normalize(#"{"level": "50"}"#)["log.level"], "critical")
    }

    /// The contract's `syslog_severity` (0 emergency … 7 debug), last in priority (GELF's level).
    func testSyslogSeverityIsRead() throws {
        XCTAssertEqual(try normalize(#"{"syslog_severity": 3}"#)["log.level"], "error")
        XCTAssertEqual(try normalize(#"{"syslog_severity": 7}"#)["log.level"], "debug")
        XCTAssertEqual(try normalize(#"{"syslog_severity": 0, "level": "info"}"#)["log.level"], "info")
    }

    func testUnknownLevelIsInfoWithTheOriginalKept() throws {
        let event = try normalize(#"{"level": "verbose"}"#)
        XCTAssertEqual(event["log.level"], "info")
        XCTAssertEqual(event["log.original_level"], "verbose")
        XCTAssertEqual(try normalize(#"{"level": 99}"#)["log.original_level"], "99")
    }

    // MARK: - Message

    func testEveryMessageKeyIsRead() throws {
        for key in ["message", "msg", "log.message", "event", "short_message"] {
            XCTAssertEqual(try normalize(#"{"\#(key)": "hello"}"#)["message"], "hello", key)
        }
        XCTAssertEqual(try normalize(#"{"log": {"message": "nested"}}"#)["message"], "nested")
    }

    func testFirstMessageKeyWins() throws {
        let event = try normalize(#"{"short_message": "gelf", "event": "structlog", "msg": "short", "message": "long"}"#)
        XCTAssertEqual(event["message"], "long")
        XCTAssertEqual(event["labels.msg"], "short")
    }

    func testEventObjectIsNotAMessage() throws {
        let event = try normalize(#"{"event": {"dataset": "billing", "kind": "event"}, "msg": "m"}"#)
        XCTAssertEqual(event["message"], "m")
        XCTAssertEqual(event["event.dataset"], "billing")
        XCTAssertEqual(event["attributes.event"], ["kind": "event"])
    }

    func testNonStringMessagesAreSerialised() throws {
        XCTAssertEqual(try normalize(#"{"message": {"a": [1, true]}}"#)["message"], #"{"a":[1,true]}"#)
        XCTAssertEqual(try normalize(#"{"message": 42}"#)["message"], "42")
    }

    func testLongMessageIsCutOnACharacterBoundaryAndMarked() throws {
        let text = String(repeating: "a", count: 32_767) + "é" + String(repeating: "b", count: 100)
        let event = try normalize(JSONValue.object(["message": .string(text)]).jsonString)
        XCTAssertEqual(event["message"], .string(String(repeating: "a", count: 32_767)))
        XCTAssertEqual(event["event.truncated"], true)
        let fits = try normalize(JSONValue.object(["message": .string(String(repeating: "é", count: 16_384))]).jsonString)
        XCTAssertNil(fits["event.truncated"])
    }

    func testMessageLimitIsConfigurable() throws {
        let event = try normalize(#"{"message": "abcdef"}"#, configuration: NormalizerConfiguration(maxMessageBytes: 4))
        XCTAssertEqual(event["message"], "abcd")
        XCTAssertEqual(event["event.truncated"], true)
    }

    // MARK: - Service, environment, logger, host

    func testEveryServiceKeyIsReadAndDatasetFollowsIt() throws {
        for key in ["service.name", "service", "app", "application"] {
            let event = try normalize(#"{"\#(key)": "billing"}"#)
            XCTAssertEqual(event["service.name"], "billing", key)
            XCTAssertEqual(event["event.dataset"], "billing", key)
        }
        XCTAssertEqual(try normalize(#"{"service": {"name": "billing", "version": "1.2"}}"#)["service.name"], "billing")
        XCTAssertEqual(try normalize(#"{"service": {"name": "billing", "version": "1.2"}}"#)["attributes.service"], ["version": "1.2"])
    }

    func testServiceDefaultsToTheTokensService() throws {
        XCTAssertEqual(try normalize(#"{"service": ""}"#)["service.name"], "core")
        XCTAssertEqual(try normalize(#"{"app": null}"#)["service.name"], "core")
    }

    func testExplicitDatasetWins() throws {
        let event = try normalize(#"{"event.dataset": "core.payments", "app": "billing"}"#)
        XCTAssertEqual(event["event.dataset"], "core.payments")
    }

    func testEveryEnvironmentKeyIsReadWithTheConfiguredDefault() throws {
        for key in ["service.environment", "environment", "env"] {
            XCTAssertEqual(try normalize(#"{"\#(key)": "staging"}"#)["service.environment"], "staging", key)
        }
        XCTAssertEqual(try normalize(#"{"service": {"environment": "dev"}}"#)["service.environment"], "dev")
        XCTAssertEqual(try normalize("{}", configuration: NormalizerConfiguration(environment: "test"))["service.environment"], "test")
    }

    func testEveryLoggerKeyIsRead() throws {
        for key in ["log.logger", "logger", "name", "logger_name"] {
            XCTAssertEqual(try normalize(#"{"\#(key)": "billing.views"}"#)["log.logger"], "billing.views", key)
        }
    }

    func testEveryHostKeyIsRead() throws {
        for key in ["host.name", "host", "hostname"] {
            XCTAssertEqual(try normalize(#"{"\#(key)": "web-3"}"#)["host.name"], "web-3", key)
        }
        let nested = try normalize(#"{"host": {"name": "web-4", "ip": "10.1.1.1"}}"#)
        XCTAssertEqual(nested["host.name"], "web-4")
        XCTAssertEqual(nested["attributes.host"], ["ip": "10.1.1.1"])
    }

    // MARK: - Ids

    func testEveryIDKeyIsReadAsAString() throws {
        let cases: [(String, String)] = [
            ("trace.id", "trace.id"), ("trace_id", "trace.id"), ("span.id", "span.id"), ("span_id", "span.id"),
            ("request_id", "http.request.id"), ("http.request.id", "http.request.id"), ("user.id", "user.id"),
            ("user_id", "user.id"), ("shop_id", "labels.shop_id"),
        ]
        for (key, stored) in cases {
            XCTAssertEqual(try normalize(#"{"\#(key)": "abc"}"#)[stored], "abc", key)
            XCTAssertEqual(try normalize(#"{"\#(key)": 1234567}"#)[stored], "1234567", key)
        }
    }

    func testNestedIDObjectsAreRead() throws {
        let event = try normalize(#"{"trace": {"id": "t"}, "span": {"id": "s"}, "user": {"id": 7, "email": "a@b"}, "http": {"request": {"id": "r", "method": "GET"}}}"#)
        XCTAssertEqual(event["trace.id"], "t")
        XCTAssertEqual(event["span.id"], "s")
        XCTAssertEqual(event["user.id"], "7")
        XCTAssertEqual(event["http.request.id"], "r")
        XCTAssertEqual(event["attributes.user"], ["email": "a@b"])
        XCTAssertEqual(event["attributes.http"], ["request": ["method": "GET"]])
    }

    func testRequestIDPrefersTheFlatPythonKey() throws {
        let event = try normalize(#"{"http.request.id": "ecs", "request_id": "py"}"#)
        XCTAssertEqual(event["http.request.id"], "py")
        XCTAssertEqual(event["labels.http_request_id"], "ecs")
    }

    // MARK: - Event id

    func testEveryEventIDKeyIsTheIdempotencyKey() throws {
        for key in ["event.id", "id", "uuid"] {
            let event = try normalize(#"{"\#(key)": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}"#)
            XCTAssertEqual(event.id, "01ARZ3NDEKTSV4RRFFQ69G5FAV", key)
            XCTAssertEqual(event["event.id"], "01ARZ3NDEKTSV4RRFFQ69G5FAV", key)
        }
        XCTAssertEqual(try normalize(#"{"event": {"id": "abc_1"}}"#).id, "abc_1")
    }

    func testEventIDKeysAreTriedInTableOrder() throws {
        let event = try normalize(#"{"uuid": "u1", "id": "i1", "event.id": "e1"}"#)
        XCTAssertEqual(event.id, "e1")
        XCTAssertEqual(event["labels.id"], "i1")
    }

    func testInvalidEventIDRejectsTheEventWithAClearMessage() {
        let tooLong = normalizeError(#"{"event.id": "\#(String(repeating: "a", count: 65))"}"#)
        XCTAssertEqual(tooLong?.code, "invalid_event_id")
        XCTAssertEqual(tooLong?.message, "`event.id` is the event id and must be a string of 1 to 64 characters from [A-Za-z0-9_-] (a UUID or ULID), got 65 characters; send a valid id or leave it out and the hub assigns one")
        XCTAssertEqual(normalizeError(#"{"id": "a b"}"#)?.code, "invalid_event_id")
        XCTAssertEqual(normalizeError(#"{"uuid": ""}"#)?.code, "invalid_event_id")
        let number = normalizeError(#"{"id": 42}"#)
        XCTAssertEqual(number?.code, "invalid_event_id")
        XCTAssertTrue(number?.message.contains("got a number") ?? false)
    }

    func testMissingEventIDGetsAUUIDv7FromTheReceiveTime() throws {
        let event = try normalize("{}")
        XCTAssertEqual(event.id.count, 36)
        XCTAssertEqual(Array(event.id)[14], "7")
        XCTAssertEqual(event["event.id"], .string(event.id))
        let a = try normalize("{}").id
        let b = try normalize("{}").id
        XCTAssertNotEqual(a, b)
    }

    // MARK: - Everything else

    func testOtherScalarsBecomeStringLabelsAndTheRestAttributes() throws {
        let event = try normalize(#"{"path": "/pay", "status": 502, "ratio": 0.5, "retry": true, "none": null, "tags": ["a"], "order": {"items": 3}}"#)
        XCTAssertEqual(event["labels"], ["path": "/pay", "status": "502", "ratio": "0.5", "retry": "true"])
        XCTAssertEqual(event["attributes"], ["none": nil, "tags": ["a"], "order": ["items": 3]])
    }

    func testDottedLabelKeysUseUnderscores() throws {
        let event = try normalize(#"{"http.status_code": 200, "": "empty"}"#)
        XCTAssertEqual(event["labels"], ["http_status_code": "200", "_": "empty"])
    }

    func testLabelsAndAttributesObjectsAreMerged() throws {
        let event = try normalize(#"{"labels": {"team": "pay", "deep": {"x": 1}}, "attributes": {"cart": [1, 2]}, "region": "eu"}"#)
        XCTAssertEqual(event["labels"], ["team": "pay", "region": "eu"])
        XCTAssertEqual(event["attributes"], ["labels_deep": ["x": 1], "cart": [1, 2]])
    }

    func testRemainderOfEcsObjectsIsKept() throws {
        let event = try normalize(#"{"log": {"level": "error", "origin": {"file": {"name": "views.py", "line": 42}}}}"#)
        XCTAssertEqual(event["log.level"], "error")
        XCTAssertEqual(event["attributes.log"], ["origin": ["file": ["name": "views.py", "line": 42]]])
    }

    func testErrorStringIsAnOrdinaryLabel() throws {
        XCTAssertEqual(try normalize(#"{"error": "boom"}"#)["labels.error"], "boom")
    }

    // MARK: - Limits

    func testLabelsOverTheLimitAreDroppedAndReported() throws {
        var object = JSONObject()
        for i in 0..<10 { object["k\(i)"] = .string("v") }
        let event = try EventNormalizer(configuration: NormalizerConfiguration(maxLabels: 4))
            .normalize(object, context: testContext)
        XCTAssertEqual(event["labels"]?.objectValue?.keys, ["k0", "k1", "k2", "k3"])
        XCTAssertEqual(event["event.dropped_keys"], 6)
        XCTAssertEqual(event.overflowKeys, 6)
    }

    func testAttributeKeysOverTheLimitAreDroppedAndReported() throws {
        let event = try normalize(
            #"{"a": {"x": 1, "y": 2}, "b": {"z": 3}, "c": {"w": {"v": 1}}}"#,
            configuration: NormalizerConfiguration(maxAttributeKeys: 4))
        XCTAssertEqual(event["attributes"], ["a": ["x": 1, "y": 2], "b": [:]])
        // b.z, c, c.w, c.w.v
        XCTAssertEqual(event["event.dropped_keys"], 4)
        XCTAssertEqual(event.overflowKeys, 4)
    }

    func testAttributesDeeperThanTheLimitAreKeptAsJSONText() throws {
        let event = try normalize(
            #"{"a": {"b": {"c": {"d": 1}}}, "list": [[{"x": 1}]]}"#,
            configuration: NormalizerConfiguration(maxAttributeDepth: 2))
        XCTAssertEqual(event["attributes.a"], ["b": #"{"c":{"d":1}}"#])
        XCTAssertEqual(event["attributes.list"], [#"[{"x":1}]"#])
        XCTAssertEqual(event["event.flattened_values"], 2)
        XCTAssertEqual(event.overflowKeys, 2)
    }

    func testDefaultLimitsLeaveOrdinaryEventsAlone() throws {
        let event = try normalize(#"{"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": 1}}}}}}}}"#)
        XCTAssertEqual(event.overflowKeys, 0)
        XCTAssertEqual(event["attributes.a.b.c.d.e.f.g.h"], 1)
        XCTAssertNil(event["event.dropped_keys"])
    }
}
