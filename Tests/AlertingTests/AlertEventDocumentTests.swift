import Alerting
import LogModel
import XCTest

/// `AlertEvent(document:)` reads every fact alerting uses from a stored document in one pass over its
/// top level, and its labels where they lie in the document.
final class AlertEventDocumentTests: XCTestCase {
    private func event(_ json: String) throws -> AlertEvent {
        AlertEvent(document: try JSONParser.parse(json), id: "e-1", timestampMillis: 1_700_000_000_000)
    }

    func testEveryTopLevelMemberItReadsIsFound() throws {
        let e = try event(#"""
            {"@timestamp":"2026-12-03T10:00:00.000Z","event":{"id":"x"},"log":{"level":"error","logger":"billing.charges"},
             "service":{"name":"billing","environment":"staging","version":"1.4.2"},"host":{"name":"web-3"},
             "message":"charge failed","error":{"type":"CardError","message":"declined","stack_trace":"Traceback"},
             "trace":{"id":"t-1"},"span":{"id":"s-1"},"http":{"request":{"id":"r-1"}},"user":{"id":"u-9"},
             "labels":{"shop_id":"42","status":502},"attributes":{"fingerprint":["{{ default }}","card"]}}
            """#)
        XCTAssertEqual(e.level, .error)
        XCTAssertEqual([e.id, e.service, e.environment, e.logger, e.message], ["e-1", "billing", "staging", "billing.charges", "charge failed"])
        XCTAssertEqual([e.errorType, e.errorMessage, e.stackTrace], ["CardError", "declined", "Traceback"])
        XCTAssertEqual([e.traceID, e.spanID, e.requestID, e.host, e.release, e.userID], ["t-1", "s-1", "r-1", "web-3", "1.4.2", "u-9"])
        XCTAssertEqual(e.fingerprint, ["{{ default }}", "card"])
        XCTAssertEqual(e.labels["shop_id"], "42")
        XCTAssertEqual(e.labels["status"], "502", "a number label reads as its JSON text")
        XCTAssertEqual(e.value(of: "labels.shop_id"), "42")
        XCTAssertEqual(e.value(of: "host"), "web-3")
    }

    func testLabelsAnswerAsADictionaryBuiltMemberByMemberWould() throws {
        let e = try event(#"{"labels":{"a":"1","nested":{"x":1},"a":"2","b":null,"request_id":"r-9","release":"7","fingerprint":"mine"}}"#)
        XCTAssertEqual(e.labels["a"], "2", "the last of a repeated name")
        XCTAssertNil(e.labels["nested"], "an object is not a label")
        XCTAssertNil(e.labels["b"], "null is not a label")
        XCTAssertNil(e.labels["missing"])
        XCTAssertEqual(e.labels, ["a": "2", "request_id": "r-9", "release": "7", "fingerprint": "mine"])
        XCTAssertEqual(e.requestID, "r-9", "http.request.id missing: the label")
        XCTAssertEqual(e.release, "7", "service.version missing: the label")
        XCTAssertEqual(e.fingerprint, ["mine"], "the label wins over attributes")
    }

    func testDefaultsAndNamesThatOnlyLookLikeMembers() throws {
        // Same lengths as names it reads ("logs", "servicé"), a name in another case, a non-object.
        let e = try event(#"{"logs":{"level":"error"},"Log":{"level":"error"},"log":"error","servic":{"name":"x"},"mesage":"no","message":7}"#)
        XCTAssertEqual(e.level, .info)
        XCTAssertEqual(e.service, "unknown")
        XCTAssertEqual(e.environment, "production")
        XCTAssertEqual(e.message, "7", "a scalar message reads as its text")
        XCTAssertEqual(e.labels, [:])
        XCTAssertNil(e.fingerprint)
        let first = try event(#"{"service":{"name":"a"},"service":{"name":"b"},"message":"one","message":"two"}"#)
        XCTAssertEqual(first.service, "b", "the parser keeps the last of a repeated key")
        XCTAssertEqual(first.message, "two")
    }

    /// Alerting parses only what it reads: the event is the same as from the whole document, and a
    /// query's members (`event.dataset`, free words' text fields) are parsed for it.
    func testTheMembersItReadsGiveTheSameEventAndQueriesKeepTheirs() throws {
        let json = #"""
            {"@timestamp":"2026-12-03T10:00:00.000Z","event":{"id":"x","dataset":"gate"},"log":{"level":"error","logger":"g"},
             "service":{"name":"gate"},"message":"token expired","error":{"type":"E","message":"m","stack_trace":"s"},
             "labels":{"shop_id":"42"},"attributes":{"fingerprint":["a"]},"http":{"request":{"id":"r"}},"ingest":{"client_ip":"1"}}
            """#
        func parse(_ selection: JSONMemberSelection?) throws -> AlertEvent {
            var text = json
            let document = try text.withUTF8 { try JSONParser.parse(UnsafeRawBufferPointer($0), keeping: selection) }
            return AlertEvent(document: document, id: "1", timestampMillis: 0)
        }
        let plain = try XCTUnwrap(AlertEvent.membersRead(route: AlertRoute(path: "route", receiver: "r"), rules: []))
        var whole = try parse(nil), selected = try parse(plain)
        XCTAssertNil(selected.document?["@timestamp"])
        XCTAssertNil(selected.document?["ingest"])
        (whole.document, selected.document) = (nil, nil)
        XCTAssertEqual(selected, whole)

        var route = AlertRoute(path: "route", receiver: "", routes: [AlertRoute(path: "route.routes[0]", receiver: "gate")])
        route.routes[0].query = try RouteQuery.parse(#"event.dataset:gate AND "expired""#).get()
        let wanted = try XCTUnwrap(AlertEvent.membersRead(route: route, rules: []))
        XCTAssertTrue(wanted.wanted.contains("event"))
        XCTAssertEqual(route.match(try parse(wanted)).map(\.receiver), ["gate"])
        XCTAssertEqual(route.match(try parse(nil)).map(\.receiver), ["gate"])
        var rule = AlertRule(name: "r", path: "rules[0]", kind: .threshold, matchers: [], count: 1, window: 60_000, receiver: "gate")
        rule.query = try RouteQuery.parse("has:ingest.client_ip").get()
        XCTAssertTrue(try XCTUnwrap(AlertEvent.membersRead(route: AlertRoute(path: "route", receiver: "r"), rules: [rule])).wanted.contains("ingest"))
    }
}
