import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// The operators' pages in headless Chromium, driven by scripts/browser/admin_pages.py (Selenium):
/// the status page marks a stopped store, a dead letter is opened and replayed (and then stored), the
/// audit is filtered, support staff are refused. Screenshots are kept in var/artifacts/admin-pages/.
final class AdminPagesBrowserTests: StaffTestCase {
    func testStatusDeadLettersAndAuditInChromium() async throws {
        let python = try BrowserTest.python()
        // A dead letter: an index made by hand with `message` as a number refuses a text message.
        let day = Timestamp.format(micros: Int64(Date().timeIntervalSince1970 * 1_000_000)).prefix(10).replacingOccurrences(of: "-", with: ".")
        var create = HTTPRequest(method: .put, url: "\(elasticsearchURL)/\(indexPrefix)-\(day)")
        create.headers.add(name: "Content-Type", value: "application/json")
        create.body = Array(#"{"mappings":{"properties":{"message":{"type":"long"}}}}"#.utf8)
        let created = try await Self.http.execute(create)
        XCTAssertEqual(created.status, 200, created.bodyText)

        let mongo = try MongoStandIn(storage: directory.path + "/mongo")
        try await mongo.start()
        defer { mongo.stop() }
        mongoURI = "mongodb://127.0.0.1:\(mongo.port)/"
        let hub = try await startHub(extra: Self.fastHashing.merging(["ADMIN_MONGODB_URI": mongoURI, "ADMIN_DELIVERY_PROBE_INTERVAL_SECONDS": "2"]) { $1 })
        try createUser("admin@pages.test", roles: ["admin"])
        try createUser("support@pages.test", roles: ["support"])
        let token = try createToken(service: "billing")
        let now = Timestamp.format(micros: Int64(Date().timeIntervalSince1970 * 1_000_000))
        let posted = try await post(hub, body: Array(#"{"@timestamp":"\#(now)","message":"card declined","event.id":"dl-browser"}"#.utf8), token: token)
        XCTAssertEqual(posted.status, 202)
        let admin = try await signIn(hub, "admin@pages.test")
        try await eventually("the event is dead-lettered by Elasticsearch") {
            let letters = try json(try await send(hub, .get, "/api/v1/dead-letters", as: admin))["dead_letters"]?.arrayValue ?? []
            return letters.count == 1
        }
        // The mapping is fixed (the index dropped), so the replay from the page stores the event;
        // and MongoDB is stopped, so the status page has a store to mark.
        _ = try await Self.http.execute(HTTPRequest(method: .delete, url: "\(elasticsearchURL)/\(indexPrefix)-\(day)"))
        mongo.stop()

        let artifacts = packageRoot() + "/var/artifacts/admin-pages"
        try? FileManager.default.removeItem(atPath: artifacts)
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let output = try BrowserTest.run(python, [packageRoot() + "/scripts/browser/admin_pages.py", hub.baseURL, "admin@pages.test",
                                                  "support@pages.test", Self.password, "mongodb", artifacts])
        XCTAssertEqual(output.status, 0, output.text + "\nhub log:\n" + hub.tailOfLog())
        try await eventually("the replayed event is stored in Elasticsearch") { try await elasticsearchCount() == 1 }
        for shot in ["1-status", "2-dead-letter", "3-replayed", "4-audit", "5-support-refused", "6-support-home"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(artifacts)/\(shot).png"), shot)
        }
    }
}
