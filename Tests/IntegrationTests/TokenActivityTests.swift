import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// Admins see which services ship: per ingest token the last use and the events of the last hour
/// and day, summed over every hub node.
final class TokenActivityTests: StaffTestCase {
    func testTheTokensPageShowsUseAndVolumePerToken() async throws {
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: Self.fastHashing)
        let second = try await startHub(mongo: false, elasticsearch: false,
                                        extra: Self.fastHashing.merging(["ADMIN_DATA_DIR": directory.path + "/second"]) { $1 })
        let busy = try createToken(service: "core"), idle = try createToken(service: "gate")
        _ = idle
        for node in [hub, second] {
            let response = try await post(node, body: ndjson(25, idPrefix: UUID().uuidString), token: busy)
            XCTAssertEqual(response.status, 202)
        }
        try createUser("ops@staff.test", roles: ["admin"])
        let admin = try await signIn(hub, "ops@staff.test")
        var tokens: [JSONValue] = []
        try await eventually(timeout: .seconds(30), "both nodes' counts written (every 10 s)") {
            tokens = try json(try await send(hub, .get, "/api/v1/ingest-tokens", as: admin))["tokens"]?.arrayValue ?? []
            return tokens.first { $0["service"] == "core" }?["events_last_hour"]?.int64Value == 50
        }
        let core = try XCTUnwrap(tokens.first { $0["service"] == "core" })
        XCTAssertEqual(core["events_last_day"]?.int64Value, 50)
        XCTAssertNotEqual(core["last_used_at"], .null)
        let gate = try XCTUnwrap(tokens.first { $0["service"] == "gate" })
        XCTAssertEqual(gate["last_used_at"], .null, "never used")
        XCTAssertEqual(gate["events_last_day"]?.int64Value, 0)

        let page = try await send(hub, .get, "/ingest-tokens", as: admin).bodyText
        XCTAssertTrue(page.contains("<th>Events, last hour</th>"))
        XCTAssertTrue(page.contains("<td>50</td><td>50</td>"), "the busy token's volume is on the page")
        XCTAssertTrue(page.contains("never"), "the unused token says so")
        second.stop()
    }
}
