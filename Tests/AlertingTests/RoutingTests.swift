import Alerting
import LogModel
import XCTest

final class RoutingTests: XCTestCase {
    func m(_ text: String) -> RouteMatcher { try! RouteMatcher.parse(text).get() }

    func testAlertmanagerMatchingWithContinue() {
        let tree = AlertRoute(path: "route", receiver: "default", routes: [
            AlertRoute(path: "route.routes[0]", matchers: [m("level>=error")], receiver: "sentry", continue: true),
            AlertRoute(path: "route.routes[1]", matchers: [m("service=billing")], receiver: "billing-chat", routes: [
                AlertRoute(path: "route.routes[1].routes[0]", matchers: [m("level>=critical")], receiver: "billing-oncall"),
            ]),
            AlertRoute(path: "route.routes[2]", matchers: [m("level>=error")], receiver: "ops"),
        ])
        func receivers(_ level: Level, _ service: String) -> [String] {
            tree.match(AlertEvent(id: "1", timestampMillis: 0, level: level, service: service, message: "x")).map(\.receiver)
        }
        XCTAssertEqual(receivers(.critical, "billing"), ["sentry", "billing-oncall"])
        XCTAssertEqual(receivers(.error, "billing"), ["sentry", "billing-chat"])
        XCTAssertEqual(receivers(.error, "shop"), ["sentry", "ops"])
        XCTAssertEqual(receivers(.info, "shop"), ["default"], "no child matched: the node itself")
    }

    func testMatchers() {
        let event = AlertEvent(id: "1", timestampMillis: 0, level: .warning, service: "billing", environment: "staging",
                               message: "x", labels: ["shop_id": "42"])
        XCTAssertTrue(m("environment!=production").matches(event))
        XCTAssertTrue(m("labels.shop_id=42").matches(event))
        XCTAssertTrue(m("level>=warn").matches(event))
        XCTAssertFalse(m("level>=error").matches(event))
        XCTAssertTrue(m("level=warning").matches(event))
        XCTAssertThrowsError(try RouteMatcher.parse("colour=red").get())
        XCTAssertThrowsError(try RouteMatcher.parse("service>=x").get())
        XCTAssertThrowsError(try RouteMatcher.parse("level>=loud").get())
        XCTAssertThrowsError(try RouteMatcher.parse("just text").get())
    }

    /// A route may select with the search language, on the stored document, as search and live tail do.
    func testARouteQueryMatchesTheStoredDocumentLikeSearch() throws {
        func event(_ json: String) throws -> AlertEvent {
            AlertEvent(document: try JSONParser.parse(json), id: "1", timestampMillis: 0)
        }
        let query = try RouteQuery.parse("service:billing AND status:>499 AND NOT message:\"card declined\"").get()
        let tree = AlertRoute(path: "route", receiver: "default", routes: [
            AlertRoute(path: "route.routes[0]", receiver: "billing-5xx"),
        ])
        var routed = tree
        routed.routes[0].query = query
        let upstream = try event(#"{"service":{"name":"billing"},"log":{"level":"error"},"labels":{"status":"502"},"message":"upstream timed out"}"#)
        let declined = try event(#"{"service":{"name":"billing"},"log":{"level":"error"},"labels":{"status":"502"},"message":"card declined"}"#)
        let fine = try event(#"{"service":{"name":"billing"},"log":{"level":"error"},"labels":{"status":"60"},"message":"upstream timed out"}"#)
        XCTAssertEqual(routed.match(upstream).map(\.receiver), ["billing-5xx"])
        XCTAssertEqual(routed.match(declined).map(\.receiver), ["default"], "NOT on a phrase")
        XCTAssertEqual(routed.match(fine).map(\.receiver), ["default"], "60 is not above 499: labels compare as numbers")
        XCTAssertFalse(query.matches(AlertEvent(id: "1", timestampMillis: 0, level: .error, service: "billing", message: "x")),
                       "an event without its document never matches a query")
        guard case .failure(let error) = RouteQuery.parse("service:") else { return XCTFail("'service:' must be refused") }
        XCTAssertTrue(error.description.hasPrefix("position "), error.description)
    }

    func testMinimumLevelLetsTheReaderSkipQuietEvents() {
        let errorsOnly = AlertRoute(path: "route", receiver: "", routes: [
            AlertRoute(path: "a", matchers: [m("level>=error")], receiver: "s", continue: true),
            AlertRoute(path: "b", matchers: [m("level>=critical")], receiver: "t"),
        ])
        XCTAssertEqual(errorsOnly.minimumLevel, .error)
        let catchAll = AlertRoute(path: "route", receiver: "default", routes: [AlertRoute(path: "a", matchers: [m("level>=error")], receiver: "s")])
        XCTAssertEqual(catchAll.minimumLevel, .trace)
    }

    func testGroupKeyFollowsGroupBy() {
        var settings = GroupingSettings.defaults
        settings.groupBy = ["service"]
        let route = AlertRoute(path: "route", receiver: "t", grouping: settings)
        let a = AlertEvent(id: "1", timestampMillis: 0, level: .error, service: "billing", message: "a")
        let b = AlertEvent(id: "2", timestampMillis: 0, level: .error, service: "billing", message: "totally else")
        XCTAssertEqual(route.groupKey(for: a, fingerprint: "1"), route.groupKey(for: b, fingerprint: "2"))
        let byFingerprint = AlertRoute(path: "route", receiver: "t")
        XCTAssertNotEqual(byFingerprint.groupKey(for: a, fingerprint: "1"), byFingerprint.groupKey(for: b, fingerprint: "2"))
    }
}
