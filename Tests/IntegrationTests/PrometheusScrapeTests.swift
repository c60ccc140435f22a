import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Debian's Prometheus scrapes the hub as an operator's would: the target is up and the hub's series
/// are queryable; and `promtool check metrics` passes on `/metrics` (HELP and TYPE for every metric,
/// names and units as Prometheus wants them).
final class PrometheusScrapeTests: HubTestCase {
    func testPrometheusScrapesTheHubAndPromtoolAcceptsTheMetrics() async throws {
        for tool in ["/usr/bin/prometheus", "/usr/bin/promtool"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw StandIns.missing("\(tool) (Debian's prometheus package; scripts/install-deps)")
        }
        let hub = try await startHub()
        let token = try createToken()
        let accepted = try await post(hub, body: ndjson(50, idPrefix: "prom"), token: token)
        XCTAssertEqual(accepted.status, 202)
        let rejected = try await post(hub, body: Array("not json\n".utf8), token: token)
        XCTAssertEqual(rejected.status, 400)

        let metrics = try await get(hub.baseURL + "/metrics")
        let exposition = directory.path + "/metrics.txt"
        try Data(metrics.body).write(to: URL(fileURLWithPath: exposition))
        let checked = try BrowserTest.run("/bin/sh", ["-c", "/usr/bin/promtool check metrics < '\(exposition)'"])
        XCTAssertEqual(checked.status, 0, "promtool check metrics:\n\(checked.text)")
        XCTAssertTrue(metrics.bodyText.contains("# HELP admin_ingest_events_total "), metrics.bodyText)

        let webPort = freeLocalPort()
        let configuration = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: datamp-admin
                static_configs:
                  - targets: ["127.0.0.1:\(hub.port)"]
            """
        try configuration.write(toFile: directory.path + "/prometheus.yml", atomically: true, encoding: .utf8)
        let prometheus = Process()
        prometheus.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        prometheus.arguments = ["--config.file=\(directory.path)/prometheus.yml", "--storage.tsdb.path=\(directory.path)/tsdb",
                                "--web.listen-address=127.0.0.1:\(webPort)"]
        let log = FileHandle(forWritingAtPath: "/dev/null")
        prometheus.standardOutput = log
        prometheus.standardError = log
        try prometheus.run()
        // SIGKILL: a child of the test process inherits its blocked SIGTERM.
        defer { if prometheus.isRunning { kill(prometheus.processIdentifier, SIGKILL); prometheus.waitUntilExit() } }

        let api = "http://127.0.0.1:\(webPort)/api/v1"
        try await eventually(timeout: .seconds(60), "Prometheus sees the hub's target up") {
            guard let targets = try? await self.get(api + "/targets"), targets.status == 200,
                  let active = try? self.json(targets)["data"]?["activeTargets"]?.arrayValue else { return false }
            return active.contains { $0["health"] == "up" && $0["labels"]?["job"] == "datamp-admin" }
        }
        try await eventually(timeout: .seconds(30), "the hub's accepted events queryable in Prometheus") {
            let query = "sum(admin_ingest_events_total{outcome=\"accepted\"})".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            guard let answer = try? await self.get(api + "/query?query=" + query), answer.status == 200,
                  let value = try? self.json(answer)["data"]?["result"]?.arrayValue?.first?["value"]?.arrayValue?.last?.stringValue
            else { return false }
            return value == "50"
        }
    }
}
