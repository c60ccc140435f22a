import Alerting
import LogModel
import XCTest

/// The evaluator skips events by peeking at their bytes: it may only skip what no route or rule
/// would take, and it must skip the rest (most traffic) or it saves nothing.
final class AlertPrefilterTests: XCTestCase {
    func m(_ text: String) -> RouteMatcher { try! RouteMatcher.parse(text).get() }

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
        var skipped = 0
        for level in Level.allCases {
            for service in ["core", "communication", "gate", "shop", "communications", "core\\\"x"] {
                let json = stored(level, service)
                let event = AlertEvent(document: try JSONParser.parse(json), id: "e1", timestampMillis: 0)
                let taken = route.match(event).contains { !$0.receiver.isEmpty } || rules.contains { $0.matches(event) }
                if taken { XCTAssertTrue(prefilter.mayConcern(json), "\(level.name) \(service) would be taken but was skipped") }
                if !prefilter.mayConcern(json) { skipped += 1 }
            }
        }
        // info from shop, core below warning, gate below notice, warnings of services no warning
        // route names, ...: skipped without a parse.
        XCTAssertGreaterThanOrEqual(skipped, 17)
        XCTAssertFalse(prefilter.mayConcern(stored(.warning, "shop")))
        XCTAssertTrue(prefilter.mayConcern(stored(.warning, "gate")), "service:gate in the query")
        XCTAssertTrue(prefilter.mayConcern(stored(.warning, "core")), "service=core matcher")
        XCTAssertTrue(prefilter.mayConcern(stored(.error, "shop")), "the error route names no service")
        XCTAssertFalse(prefilter.mayConcern(stored(.info, "shop")))
        XCTAssertFalse(prefilter.mayConcern(stored(.info, "gate")), "below the floors in the route's and the rule's queries")
        XCTAssertTrue(prefilter.mayConcern(stored(.debug, "communication")), "the absence rule has no level")
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
                    XCTAssertTrue(prefilter.mayConcern(json), "\(level.name) \(service) would be taken but was skipped")
                }
            }
        }
        XCTAssertTrue(prefilter.mayConcern(stored(.debug, "core")), "the parent takes what its child misses")
        XCTAssertTrue(prefilter.mayConcern(stored(.warning, "shop")), "an OR of services gates nothing")
        XCTAssertFalse(prefilter.mayConcern(stored(.info, "shop")), "below the OR route's level")
        XCTAssertTrue(prefilter.mayConcern(stored(.critical, "communication")), "an OR of services may take any")
        XCTAssertTrue(prefilter.mayConcern(stored(.error, "billing")))
        XCTAssertFalse(prefilter.mayConcern(stored(.notice, "billing")), "below every floor but core's")
    }

    func testAHeartbeatSettledInTheBatchNoLongerParsesItsService() {
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
        XCTAssertTrue(prefilter.mayConcern(stored(.info, "communication")))
        for index in rules.indices { prefilter.settle(rule: index) }
        XCTAssertFalse(prefilter.mayConcern(stored(.info, "communication")), "its key is the service: one event per batch is enough")
        XCTAssertTrue(prefilter.mayConcern(stored(.error, "communication")), "a route still wants errors")
        XCTAssertTrue(prefilter.mayConcern(stored(.info, "gate")), "keyed by host: each event may be another key")
        XCTAssertTrue(prefilter.mayConcern(stored(.info, "core")), "a threshold counts every event")
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
            XCTAssertTrue(prefilter.mayConcern(json), "\(service) matches a rule: it must be parsed")
        }
        XCTAssertTrue(prefilter.mayConcern(stored(.info, "Core")), "a rule with a non-ASCII name is no gate: parse")
        let asciiOnly = AlertPrefilter(route: route, rules: [rules[1]])
        XCTAssertFalse(asciiOnly.mayConcern(stored(.info, "Core")), "ASCII on both sides and different: skipped")
    }

    func testServicePeekSaysWhenItCannotTell() {
        func peek(_ json: [UInt8]) -> String? { LevelPeek.serviceName(in: json).map { String(decoding: json[$0], as: UTF8.self) } }
        XCTAssertEqual(peek(stored(.info, "core")), "core")
        XCTAssertEqual(peek(stored(.info, "core2")), "core2")
        XCTAssertNil(peek(stored(.info, #"co\"re"#)), "escaped: parse")
        XCTAssertNil(peek(Array(#"{"service":"core"}"#.utf8)))
    }
}
