import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// The operators' view: `/status`, `GET /api/v1/status` and `admin status`, with two hub nodes on
/// one database.
final class StatusPageTests: StaffTestCase {
    func testStatusShowsRatesStoresAndEveryNode() async throws {
        let hub = try await startHub(extra: Self.fastHashing)
        let second = try await startHub(extra: Self.fastHashing.merging(["ADMIN_DATA_DIR": directory.path + "/second"]) { $1 })
        let core = try createToken(service: "core"), gate = try createToken(service: "gate")
        for _ in 0..<3 {
            let fromCore = try await post(hub, body: ndjson(40, idPrefix: UUID().uuidString), token: core)
            let fromGate = try await post(hub, body: ndjson(10, idPrefix: UUID().uuidString), token: gate)
            XCTAssertEqual([fromCore.status, fromGate.status], [202, 202])
        }
        let refused = try await post(hub, body: Array("not json\n".utf8), token: gate)
        XCTAssertEqual(refused.status, 400)
        try createUser("ops@staff.test", roles: ["admin"])
        try createUser("support@staff.test", roles: ["support"])
        let admin = try await signIn(hub, "ops@staff.test")

        var report = JSONValue.null
        try await eventually("both nodes reported and every event delivered") {
            report = try json(try await send(hub, .get, "/api/v1/status", as: admin))
            return report["nodes"]?.arrayValue?.count == 2 && report["sinks"]?["mongodb"]?["lag_events"]?.int64Value == 0
                && report["sinks"]?["elasticsearch"]?["lag_events"]?.int64Value == 0
        }
        let rates = report["rates"]?.arrayValue ?? []
        let coreAccepted = rates.first { $0["group"] == "intake.accepted" && $0["key"] == "core" }
        XCTAssertEqual(coreAccepted?["total"]?.int64Value, 120)
        XCTAssertEqual(coreAccepted?["per_second"]?.arrayValue?.count, 60, "a minute of one-second buckets")
        XCTAssertEqual(rates.first { $0["group"] == "intake.rejected" && $0["key"] == "gate" }?["total"]?.int64Value, 1)
        XCTAssertEqual(rates.first { $0["group"] == "delivery" && $0["key"] == "mongodb" }?["total"]?.int64Value, 150)
        XCTAssertEqual(report["node"]?["version"]?.stringValue?.isEmpty, false)
        XCTAssertEqual(report["nodes"]?.arrayValue?.filter { $0["this_node"] == .bool(true) }.count, 1)

        let page = try await send(hub, .get, "/status", as: admin)
        XCTAssertEqual(page.status, 200)
        let html = page.bodyText
        for expected in ["taking logs", "<td>core</td>", "<td>gate</td>", "<td>mongodb</td>", "<td>elasticsearch</td>",
                         "(this one)", "<svg class=\"spark\"", "<meter", #"src="/assets/status.js""#, #"<a href="/status">Status</a>"#] {
            XCTAssertTrue(html.contains(expected), "the status page shows \(expected)")
        }
        let fragment = try await send(hub, .get, "/status?fragment=1", as: admin).bodyText
        XCTAssertTrue(fragment.hasPrefix(#"<section id="status-live""#), "the live part alone: \(fragment.prefix(80))")
        let support = try await signIn(hub, "support@staff.test")
        let refusedPage = try await send(hub, .get, "/status", as: support)
        XCTAssertEqual(refusedPage.status, 403)

        var text = ""
        try await eventually("the nodes' snapshots in PostgreSQL show the intake") {
            text = try cli(["status"])
            return text.contains("intake    core")
        }
        XCTAssertEqual(text.components(separatedBy: "\nnode ").count + (text.hasPrefix("node ") ? 0 : -1), 2, text)
        XCTAssertTrue(text.contains("store     mongodb"), text)
        XCTAssertTrue(text.contains("intake    core"), text)

        // A node stopped gracefully leaves the list at once; it is not shown as a stale node.
        second.stop()
        let nodes = try json(try await send(hub, .get, "/api/v1/status", as: admin))["nodes"]?.arrayValue ?? []
        XCTAssertEqual(nodes.count, 1, "\(nodes)")
        XCTAssertEqual(nodes.first?["this_node"], .bool(true))
    }
}
