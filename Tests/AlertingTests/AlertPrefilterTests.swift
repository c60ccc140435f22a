import Alerting
import LogModel
import XCTest

/// The evaluator skips events by the level and service in their spool record's header, or by
/// peeking at the document's bytes in records written without them: it may only skip what no
/// route or rule would take, and it must skip the rest (most traffic) or it saves nothing.
final class AlertPrefilterTests: XCTestCase {
    func m(_ text: String) -> RouteMatcher { try! RouteMatcher.parse(text).get() }

    /// The event's spool record, with the level and service in its header as the intake writes it.
    func record(_ json: [UInt8], level: Level?, service: String?) -> [UInt8] {
        SpooledEvent(id: "e1", timestampMillis: 0, level: level, service: service, json: json).encoded()
    }

    /// The prefilter's answer from the record's header and from a peek into the bare document.
    func answers(_ prefilter: AlertPrefilter, _ json: [UInt8]) throws -> (header: Bool, peek: Bool) {
        let event = AlertEvent(document: try JSONParser.parse(json), id: "e1", timestampMillis: 0)
        let bytes = record(json, level: event.level, service: event.service)
        return (prefilter.mayConcern(bytes, layout: try SpooledEvent.layout(of: bytes)), prefilter.mayConcern(json))
    }

    /// The answer for a plain event, the same both ways.
    func concerns(_ prefilter: AlertPrefilter, _ level: Level, _ service: String, line: UInt = #line) throws -> Bool {
        let (header, peek) = try answers(prefilter, stored(level, service))
        XCTAssertEqual(header, peek, "\(level.name) \(service): the header and the peek disagree", line: line)
        return header
    }

    func stored(_ level: Level, _ service: String) -> [UInt8] {
        Array(#"{"@timestamp":"2026-12-03T08:00:00.000Z","event":{"id":"e1","dataset":"d"},"log":{"level":"\#(level.name)","logger":"l"},"service":{"name":"\#(service)","environment":"production"},"message":"service:{\"name\":\"core\"} level"}"#.utf8)
    }

    func testNothingARouteOrRuleWouldTakeIsSkipped() throws {
        // A level bound inside a query counts like a matcher's.
        var queried = AlertRoute(path: "route.routes[2]", receiver: "oncall")
        queried.query = try RouteQuery.parse(#"service:gate AND level:>=warning AND NOT "signed in""#).get()
        let route = AlertRoute(path: "route", receiver: "", routes: [
            AlertRoute(path: "route.routes[0]", matchers: [m("level>=error")], receiver: "errors", continue: true),
            AlertRoute(path: "route.routes[1]", matchers: [m("service=core"), m("level>=warning")], receiver: "oncall"),
            queried,
        ])
        var burst = AlertRule(name: "burst", path: "rules[1]", kind: .threshold, matchers: [m("service.name=gate")], count: 5,
                              window: 60_000, receiver: "oncall")
        burst.query = try RouteQuery.parse("level:notice OR level:warning OR level:error").get()
        let rules = [
            AlertRule(name: "heartbeat", path: "rules[0]", kind: .absence, matchers: [m("service=communication")], window: 600_000, receiver: "oncall"),
            burst,
        ]
        let prefilter = AlertPrefilter(route: route, rules: rules)
        var skipped = 0, peekSkipped = 0
        for level in Level.allCases {
            for service in ["core", "communication", "gate", "shop", "communications", "core\\\"x"] {
                let json = stored(level, service)
                let event = AlertEvent(document: try JSONParser.parse(json), id: "e1", timestampMillis: 0)
                let taken = route.match(event).contains { !$0.receiver.isEmpty } || rules.contains { $0.matches(event) }
                let (header, peek) = try answers(prefilter, json)
                if taken { XCTAssertTrue(header && peek, "\(level.name) \(service) would be taken but was skipped") }
                if !header { skipped += 1 }
                if !peek { peekSkipped += 1 }
            }
        }
        // info from shop, core below warning, gate below notice, warnings of services no warning
        // route names, ...: skipped without a parse.
        XCTAssertGreaterThanOrEqual(peekSkipped, 17)
        XCTAssertGreaterThanOrEqual(skipped, peekSkipped, "the header also holds names the document escapes")
        XCTAssertFalse(try concerns(prefilter, .warning, "shop"))
        XCTAssertTrue(try concerns(prefilter, .warning, "gate"), "service:gate in the query")
        XCTAssertTrue(try concerns(prefilter, .warning, "core"), "service=core matcher")
        XCTAssertTrue(try concerns(prefilter, .error, "shop"), "the error route names no service")
        XCTAssertFalse(try concerns(prefilter, .info, "shop"))
        XCTAssertFalse(try concerns(prefilter, .info, "gate"), "below the floors in the route's and the rule's queries")
        XCTAssertTrue(try concerns(prefilter, .debug, "communication"), "the absence rule has no level")
        XCTAssertTrue(prefilter.mayConcern(Array(#"{"message":"no level"}"#.utf8)), "cannot tell: parse")
    }

    /// Every path of the tree is a gate: a child inherits its parent's service and level, a parent
    /// whose children miss is a result itself, a query's `OR` gates only when every branch names
    /// the same service.
    func testEachPathOfTheTreeGatesByItsServiceAndLevel() throws {
        var either = AlertRoute(path: "route.routes[1]", receiver: "oncall")
        either.query = try RouteQuery.parse("level:>=warning AND (service:gate OR service:shop)").get()
        var both = AlertRoute(path: "route.routes[2]", receiver: "oncall")
        both.query = try RouteQuery.parse("(service:billing AND level:error) OR (service:billing AND level:critical)").get()
        let route = AlertRoute(path: "route", receiver: "", routes: [
            AlertRoute(path: "route.routes[0]", matchers: [m("service=core")], receiver: "core-team", routes: [
                AlertRoute(path: "route.routes[0].routes[0]", matchers: [m("level>=error")], receiver: "pager"),
            ]),
            either, both,
        ])
        let prefilter = AlertPrefilter(route: route, rules: [])
        for level in Level.allCases {
            for service in ["core", "gate", "shop", "billing", "communication", "Core", "core\\\"x"] {
                let json = stored(level, service)
                let event = AlertEvent(document: try JSONParser.parse(json), id: "e1", timestampMillis: 0)
                if route.match(event).contains(where: { !$0.receiver.isEmpty }) {
                    let (header, peek) = try answers(prefilter, json)
                    XCTAssertTrue(header && peek, "\(level.name) \(service) would be taken but was skipped")
                }
            }
        }
        XCTAssertTrue(try concerns(prefilter, .debug, "core"), "the parent takes what its child misses")
        XCTAssertTrue(try concerns(prefilter, .warning, "shop"), "an OR of services gates nothing")
        XCTAssertFalse(try concerns(prefilter, .info, "shop"), "below the OR route's level")
        XCTAssertTrue(try concerns(prefilter, .critical, "communication"), "an OR of services may take any")
        XCTAssertTrue(try concerns(prefilter, .error, "billing"))
        XCTAssertFalse(try concerns(prefilter, .notice, "billing"), "below every floor but core's")
    }

    func testAHeartbeatSettledInTheBatchNoLongerParsesItsService() throws {
        let route = AlertRoute(path: "route", receiver: "", routes: [
            AlertRoute(path: "route.routes[0]", matchers: [m("level>=error")], receiver: "errors"),
        ])
        let rules = [
            AlertRule(name: "heartbeat", path: "rules[0]", kind: .absence, matchers: [m("service=communication")], window: 600_000, receiver: "oncall"),
            AlertRule(name: "by-host", path: "rules[1]", kind: .absence, matchers: [m("service=gate")], window: 600_000,
                      groupBy: ["host"], receiver: "oncall"),
            AlertRule(name: "burst", path: "rules[2]", kind: .threshold, matchers: [m("service=core")], count: 5, window: 60_000, receiver: "oncall"),
        ]
        var prefilter = AlertPrefilter(route: route, rules: rules)
        XCTAssertTrue(try concerns(prefilter, .info, "communication"))
        for index in rules.indices { prefilter.settle(rule: index) }
        XCTAssertFalse(try concerns(prefilter, .info, "communication"), "its key is the service: one event per batch is enough")
        XCTAssertTrue(try concerns(prefilter, .error, "communication"), "a route still wants errors")
        XCTAssertTrue(try concerns(prefilter, .info, "gate"), "keyed by host: each event may be another key")
        XCTAssertTrue(try concerns(prefilter, .info, "core"), "a threshold counts every event")
    }

    func testServiceNamesThatAreEqualAsStringsButNotAsBytesAreParsed() throws {
        let route = AlertRoute(path: "route", receiver: "", routes: [
            AlertRoute(path: "route.routes[0]", matchers: [m("level>=error")], receiver: "errors"),
        ])
        let rules = [
            AlertRule(name: "cafe", path: "rules[0]", kind: .absence, matchers: [m("service=caf\u{E9}")], window: 600_000, receiver: "oncall"),
            AlertRule(name: "kore", path: "rules[1]", kind: .absence, matchers: [m("service=Kore")], window: 600_000, receiver: "oncall"),
        ]
        let prefilter = AlertPrefilter(route: route, rules: rules)
        // "e" + combining acute, and the Kelvin sign: canonically equivalent, so the rules match them.
        for service in ["cafe\u{301}", "\u{212A}ore"] {
            let json = stored(.info, service)
            let event = AlertEvent(document: try JSONParser.parse(json), id: "e1", timestampMillis: 0)
            XCTAssertTrue(rules.contains { $0.matches(event) }, service)
            let (header, peek) = try answers(prefilter, json)
            XCTAssertTrue(header && peek, "\(service) matches a rule: it must be parsed")
        }
        XCTAssertTrue(try concerns(prefilter, .info, "Core"), "a rule with a non-ASCII name is no gate: parse")
        let asciiOnly = AlertPrefilter(route: route, rules: [rules[1]])
        XCTAssertFalse(try concerns(asciiOnly, .info, "Core"), "ASCII on both sides and different: skipped")
    }

    /// A record written before the header held the level and service (version 1), or by a writer
    /// that did not know them, is decided by a peek into its document, never into its header.
    func testARecordWithoutTheFactsIsPeekedAtFromItsDocument() throws {
        let route = AlertRoute(path: "route", receiver: "", routes: [
            AlertRoute(path: "route.routes[0]", matchers: [m("level>=error")], receiver: "errors"),
            AlertRoute(path: "route.routes[1]", matchers: [m("service=core"), m("level>=warning")], receiver: "oncall"),
        ])
        let prefilter = AlertPrefilter(route: route, rules: [])
        func decide(_ bytes: [UInt8]) throws -> Bool { prefilter.mayConcern(bytes, layout: try SpooledEvent.layout(of: bytes)) }
        // Version 1: `u8 1 | i64 ms | u8 idLength | id | u8 targetLength | target | json`.
        func version1(_ json: [UInt8]) -> [UInt8] { [1] + [UInt8](repeating: 0, count: 8) + [2] + Array("e1".utf8) + [0] + json }
        XCTAssertFalse(try decide(version1(stored(.warning, "gate"))))
        XCTAssertTrue(try decide(version1(stored(.warning, "core"))))
        XCTAssertTrue(try decide(version1(stored(.error, "gate"))))
        XCTAssertNil(try SpooledEvent.layout(of: version1(stored(.error, "gate"))).level)
        // The header's own bytes (here a service name that looks like a level member) are not peeked at.
        let sly = record(stored(.info, "gate"), level: nil, service: #"x"level":"error"#)
        XCTAssertFalse(try decide(sly), "the document says info")
        // The header decides when it knows: the document is not looked at.
        XCTAssertTrue(try decide(record(stored(.info, "gate"), level: .error, service: "gate")))
    }

    func testServicePeekSaysWhenItCannotTell() {
        func peek(_ json: [UInt8]) -> String? { LevelPeek.serviceName(in: json).map { String(decoding: json[$0], as: UTF8.self) } }
        XCTAssertEqual(peek(stored(.info, "core")), "core")
        XCTAssertEqual(peek(stored(.info, "core2")), "core2")
        XCTAssertNil(peek(stored(.info, #"co\"re"#)), "escaped: parse")
        XCTAssertNil(peek(Array(#"{"service":"core"}"#.utf8)))
    }

    /// Shedding (far behind the spool): below the level, what a route or a threshold rule would
    /// take is `.shed`, never parsed; what an absence rule wants is still evaluated, and what
    /// nothing wants stays `.none`.
    func testSheddingDropsRoutesAndThresholdsBelowTheLevelButNotAbsenceRules() throws {
        let route = AlertRoute(path: "route", receiver: "", routes: [
            AlertRoute(path: "route.routes[0]", matchers: [m("level>=warning")], receiver: "oncall"),
        ])
        let rules = [
            AlertRule(name: "heartbeat", path: "rules[0]", kind: .absence, matchers: [m("service=cron")], window: 600_000, receiver: "oncall"),
            AlertRule(name: "burst", path: "rules[1]", kind: .threshold, matchers: [m("service=shop")], count: 5, window: 60_000, receiver: "oncall"),
        ]
        var prefilter = AlertPrefilter(route: route, rules: rules)
        func concern(_ level: Level, _ service: String) throws -> AlertPrefilter.Concern {
            let bytes = record(stored(level, service), level: level, service: service)
            return prefilter.concern(bytes, layout: try SpooledEvent.layout(of: bytes))
        }
        XCTAssertEqual(try concern(.warning, "gate"), .evaluate, "not shedding: as before")
        prefilter.shedBelow = .error
        XCTAssertEqual(try concern(.warning, "gate"), .shed, "the route would take it")
        XCTAssertEqual(try concern(.info, "shop"), .shed, "the threshold rule would count it")
        XCTAssertEqual(try concern(.info, "gate"), .none, "nothing wants it")
        XCTAssertEqual(try concern(.info, "cron"), .evaluate, "a heartbeat is never shed")
        XCTAssertEqual(try concern(.error, "gate"), .evaluate)
        XCTAssertEqual(try concern(.critical, "shop"), .evaluate)
        XCTAssertFalse(prefilter.mayConcern(record(stored(.warning, "gate"), level: .warning, service: "gate")), "shed is not parsed")
        XCTAssertTrue(prefilter.mayConcern(Array(#"{"message":"no level"}"#.utf8)), "cannot tell the level: parse")
    }

    /// Shedding starts past half the lag bound and stops within an eighth of it; `nil` never sheds.
    func testSheddingStartsPastHalfTheBoundAndStopsWithinAnEighth() {
        let shedding = AlertShedding(below: .error, maxLagBytes: 1 << 20)
        XCTAssertFalse(shedding.sheds(backlogBytes: 512 << 10, wasShedding: false))
        XCTAssertTrue(shedding.sheds(backlogBytes: (512 << 10) + 1, wasShedding: false))
        XCTAssertTrue(shedding.sheds(backlogBytes: 300 << 10, wasShedding: true), "between the marks it keeps what it did")
        XCTAssertFalse(shedding.sheds(backlogBytes: 300 << 10, wasShedding: false))
        XCTAssertFalse(shedding.sheds(backlogBytes: 128 << 10, wasShedding: true))
        XCTAssertFalse(AlertShedding(below: nil, maxLagBytes: 1 << 20).sheds(backlogBytes: 1 << 30, wasShedding: true))
    }
}
