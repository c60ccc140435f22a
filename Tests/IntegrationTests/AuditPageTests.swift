import ClientHTTP
import Foundation
import TestSupport
import XCTest

/// The security audit as admins read it: `/audit` with filters and paging, and its CSV download.
final class AuditPageTests: StaffTestCase {
    func testTheAuditPageFiltersPagesAndExports() async throws {
        let hub = try await startStaffHub()
        try createUser("auditor@staff.test", roles: ["admin"])
        try createUser("reader@staff.test", roles: ["support"])
        for n in 0..<3 { try createUser("someone-\(n)@staff.test", roles: ["support"]) }
        let admin = try await signIn(hub, "auditor@staff.test")

        let filtered = try await send(hub, .get, "/audit?action=user_created&target=someone-1%40staff.test", as: admin)
        XCTAssertEqual(filtered.status, 200)
        let html = filtered.bodyText
        XCTAssertTrue(html.contains("someone-1@staff.test"), "the filtered entry is listed")
        XCTAssertFalse(html.contains("someone-2@staff.test"), "other targets are filtered out")
        XCTAssertTrue(html.contains(#"<option value="user_created" selected>"#), "the filter stays selected")
        XCTAssertTrue(html.contains(#"href="/api/v1/audit/security.csv?action=user_created&amp;target=someone-1%40staff.test""#), html)

        // Browsers send datetime-local values without seconds or zone: read as UTC.
        let future = try await send(hub, .get, "/audit?since=2099-01-01T00:00", as: admin)
        XCTAssertEqual(future.status, 200)
        XCTAssertTrue(future.bodyText.contains("No entries match."))
        let bad = try await send(hub, .get, "/audit?since=yesterday", as: admin)
        XCTAssertEqual(bad.status, 400)
        XCTAssertTrue(bad.bodyText.contains("ISO 8601"), "the page says what is wrong")

        let csv = try await send(hub, .get, "/api/v1/audit/security.csv?action=user_created", as: admin)
        XCTAssertEqual(csv.status, 200)
        XCTAssertTrue(csv.headers["Content-Type"]?.hasPrefix("text/csv") ?? false)
        let lines = csv.bodyText.split(separator: "\r\n")
        XCTAssertEqual(lines.first, "id,at,actor,action,target,client_ip,user_agent,details")
        XCTAssertEqual(lines.count, 1 + 5, "five users were created: \(csv.bodyText)")

        // Paging: following "Older entries" links visits every matching entry once.
        var entries = 0
        var path = "/audit?action=user_created"
        for _ in 0..<10 {
            let page = try await send(hub, .get, path, as: admin).bodyText
            entries += page.components(separatedBy: "<code>user_created</code>").count - 1
            guard let range = page.range(of: #"href="/audit?"#), let end = page[range.upperBound...].firstIndex(of: "\"") else { break }
            path = "/audit?" + page[range.upperBound..<end].replacingOccurrences(of: "&amp;", with: "&")
        }
        XCTAssertEqual(entries, 5)

        let support = try await signIn(hub, "reader@staff.test")
        let refused = try await send(hub, .get, "/audit", as: support)
        XCTAssertEqual(refused.status, 403)
        let home = try await send(hub, .get, "/", as: support).bodyText
        XCTAssertFalse(home.contains(#"href="/audit""#))
    }
}
