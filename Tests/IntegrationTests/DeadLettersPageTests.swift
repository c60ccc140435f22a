import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// The dead letters as an admin handles them on `/dead-letters`: filter, read the event beside the
/// store's answer, replay (the event is then stored), discard with a reason (audited).
final class DeadLettersPageTests: StaffTestCase {
    func testAnAdminFiltersReplaysAndDiscardsDeadLetters() async throws {
        // An index made by hand with `message` as a number: events whose message is text are refused.
        let day = Timestamp.format(micros: Int64(Date().timeIntervalSince1970 * 1_000_000)).prefix(10).replacingOccurrences(of: "-", with: ".")
        var create = HTTPRequest(method: .put, url: "\(elasticsearchURL)/\(indexPrefix)-\(day)")
        create.headers.add(name: "Content-Type", value: "application/json")
        create.body = Array(#"{"mappings":{"properties":{"message":{"type":"long"}}}}"#.utf8)
        let created = try await Self.http.execute(create)
        XCTAssertEqual(created.status, 200, created.bodyText)

        let hub = try await startHub(extra: Self.fastHashing)
        let core = try createToken(service: "core"), gate = try createToken(service: "gate")
        let now = Timestamp.format(micros: Int64(Date().timeIntervalSince1970 * 1_000_000))
        for (token, service) in [(core, "core"), (gate, "gate")] {
            let body = (0..<2).map { n in #"{"@timestamp":"\#(now)","message":"refused <b>\#(n)</b>","event.id":"\#(service)-\#(n)"}"# }
            let posted = try await post(hub, body: Array(body.joined(separator: "\n").utf8), token: token)
            XCTAssertEqual(posted.status, 202)
        }
        try createUser("ops@staff.test", roles: ["admin"])
        let admin = try await signIn(hub, "ops@staff.test")
        try await eventually("four dead letters") {
            let page = try await send(hub, .get, "/dead-letters", as: admin).bodyText
            return page.components(separatedBy: #"name="ids""#).count - 1 == 4
        }

        let gatePage = try await send(hub, .get, "/dead-letters?service=gate", as: admin)
        XCTAssertEqual(gatePage.status, 200)
        let html = gatePage.bodyText
        XCTAssertEqual(html.components(separatedBy: #"name="ids""#).count - 1, 2, "filtered by service")
        XCTAssertTrue(html.contains("gate-0") && !html.contains("core-0"))
        XCTAssertTrue(html.contains("refused &lt;b&gt;0&lt;/b&gt;"), "the event's JSON is shown, escaped")
        XCTAssertTrue(html.contains("mapper_parsing_exception") || html.contains("number_format_exception") || html.contains("failed to parse"),
                      "the store's answer is shown")

        // A browser's GET form writes spaces as '+'.
        let byReason = try await send(hub, .get, "/dead-letters?service=gate&reason_contains=failed+to+parse", as: admin)
        XCTAssertEqual(byReason.bodyText.components(separatedBy: #"name="ids""#).count - 1, 2, "'+' in a query is a space")

        // The operator fixes the mapping (drops the hand-made index), then replays one through the
        // page's form: the page comes back with a notice, and the event is stored.
        let dropped = try await Self.http.execute(HTTPRequest(method: .delete, url: "\(elasticsearchURL)/\(indexPrefix)-\(day)"))
        XCTAssertEqual(dropped.status, 200, dropped.bodyText)
        let ids = Self.ids(in: html)
        let replay = try await send(hub, .post, "/api/v1/dead-letters/replay", as: admin,
                                    form: "csrf_token=\(admin.csrf ?? "")&service=gate&ids=\(ids[0])")
        XCTAssertEqual(replay.status, 303, replay.bodyText)
        XCTAssertEqual(replay.headers["Location"], "/dead-letters?notice=replayed%201&service=gate")
        // Every event was refused before, and the index was dropped: the one replayed is the only one there.
        try await eventually("the replayed event is stored") { try await elasticsearchCount() == 1 }

        // Discarding needs a reason; with one, every pending gate letter goes.
        let noReason = try await send(hub, .post, "/api/v1/dead-letters/discard", as: admin,
                                      json: #"{"all_matching":true,"service":"gate"}"#)
        XCTAssertEqual(noReason.status, 400)
        XCTAssertEqual(try json(noReason)["error"]?.stringValue, "missing_reason")
        let discard = try await send(hub, .post, "/api/v1/dead-letters/discard", as: admin,
                                     json: #"{"all_matching":true,"service":"gate","reason":"test data"}"#)
        XCTAssertEqual(discard.status, 200, discard.bodyText)
        XCTAssertEqual(try json(discard)["discarded"]?.intValue, 1, "the replayed one is no longer pending")
        let pending = try await send(hub, .get, "/api/v1/dead-letters?service=gate", as: admin)
        XCTAssertEqual(try json(pending)["dead_letters"]?.arrayValue?.count, 0)
        let discarded = try await send(hub, .get, "/api/v1/dead-letters?service=gate&state=discarded", as: admin)
        XCTAssertEqual(try json(discarded)["dead_letters"]?.arrayValue?.first?["discard_reason"], "test data")

        let token = try personalToken("ops@staff.test", scopes: ["audit.read"])
        let audit = try await auditEntries(hub, token: token, query: "action=dead_letters_replayed,dead_letters_discarded")
        XCTAssertEqual(audit.compactMap { $0["action"]?.stringValue }.sorted(), ["dead_letters_discarded", "dead_letters_replayed"])
        XCTAssertEqual(audit.first { $0["action"] == "dead_letters_discarded" }?["details"]?["reason"], "test data")
        XCTAssertEqual(audit.first?["actor"], "ops@staff.test")

        let badFilter = try await send(hub, .get, "/dead-letters?state=lost", as: admin)
        XCTAssertEqual(badFilter.status, 400)
        XCTAssertTrue(badFilter.bodyText.contains("pending, replayed, discarded, all"))
    }

    static func ids(in html: String) -> [String] {
        html.components(separatedBy: #"name="ids" value=""#).dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
    }
}
