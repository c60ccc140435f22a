import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// The /search page in headless Chromium, driven by scripts/browser/search_page.py (Selenium):
/// sign in, search, expand an event, open its context, see a live-tail event arrive. Screenshots
/// are kept in var/artifacts/search-page/.
final class SearchPageBrowserTests: StaffTestCase {
    func testSearchExpandContextAndLiveTailInChromium() async throws {
        let python = try BrowserTest.python()
        let hub = try await startHub(mongo: true, elasticsearch: true, extra: Self.fastHashing)
        try createUser("browser@search.test", roles: ["support"])
        let ingest = try createToken(service: "billing")
        var lines = ""
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for n in 0..<60 {
            let level = ["info", "warning", "error"][n % 3]
            let ts = Timestamp.format(micros: (now - Int64(n) * 30_000) * 1000)
            lines += #"{"@timestamp":"\#(ts)","event.id":"br-\#(n)","shop_id":\#(n % 2 == 0 ? 42 : 7),"level":"\#(level)","service":"\#(["billing", "auth"][n % 2 == 0 ? n / 2 % 2 : 0])","message":"payment attempt \#(n) for shop \#(n % 2 == 0 ? 42 : 7)","trace_id":"t-\#(n % 5)"}"# + "\n"
        }
        let accepted = try await post(hub, body: Array(lines.utf8), token: ingest)
        XCTAssertEqual(accepted.status, 202)
        try await eventually(timeout: .seconds(30), "events stored") { try await elasticsearchCount() == 60 }

        try runScript(python, "search_page.py", hub: hub, email: "browser@search.test", ingest: ingest,
                      artifacts: "search-page", shots: ["1-search", "2-expanded", "3-context", "4-live-tail"])
    }

    /// The live tail's skip notice in Chromium (scripts/browser/search_tail_gap.py): a hub whose spool
    /// bounds the tail reader's lag at 7.5 MiB, no stores (the tail reads the spool), a burst past it.
    func testTheLiveTailSaysWhenEventsWereSkippedInChromium() async throws {
        let python = try BrowserTest.python()
        // The script's slow tails close after the burst; a heartbeat a second tells the hub soon.
        let settings = Self.fastHashing.merging(SearchTailTests.smallSpool) { $1 }.merging(["ADMIN_SEARCH_TAIL_HEARTBEAT_SECONDS": "1"]) { $1 }
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: settings)
        try createUser("gap@search.test", roles: ["support"])
        let ingest = try createToken(service: "billing")
        try runScript(python, "search_tail_gap.py", hub: hub, email: "gap@search.test", ingest: ingest,
                      artifacts: "search-page-gap", shots: ["5-live-tail-gap"])
    }

    /// Runs `scripts/browser/<script>` against `hub` as `email`; its screenshots go to
    /// `var/artifacts/<artifacts>/`, and each of `shots` must be there.
    private func runScript(_ python: String, _ script: String, hub: HubProcess, email: String, ingest: String,
                           artifacts name: String, shots: [String]) throws {
        let artifacts = packageRoot() + "/var/artifacts/" + name
        try? FileManager.default.removeItem(atPath: artifacts)
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let output = try BrowserTest.run(python, [packageRoot() + "/scripts/browser/" + script, hub.baseURL, email, Self.password, ingest, artifacts])
        print(output.text)
        XCTAssertEqual(output.status, 0, output.text + "\nhub log:\n" + hub.tailOfLog())
        for shot in shots {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(artifacts)/\(shot).png"), shot)
        }
    }
}
