import ClientHTTP
import Foundation
import TestSupport
import XCTest
import Yams
#if canImport(Glibc)
import Glibc
#endif

/// The Grafana provisioning files under dashboards/grafana: the YAML has the keys Grafana requires,
/// the dashboard selects the provisioned data source without import-time inputs, and every metric its
/// PromQL names is one a real hub serves at /metrics (a renamed metric fails here).
/// Grafana itself is not packaged in Debian, so it is not started.
final class GrafanaProvisioningTests: HubTestCase {
    private static let root = packageRoot() + "/dashboards/grafana"

    private func yaml(_ path: String) throws -> [String: Any] {
        let text = try String(contentsOfFile: Self.root + "/" + path, encoding: .utf8)
        return try XCTUnwrap(try Yams.load(yaml: text) as? [String: Any], path)
    }

    private func dashboard() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.root + "/dashboards/datamp-admin-hub.json"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testProvisioningFilesHaveWhatGrafanaRequires() throws {
        let sources = try yaml("provisioning/datasources/datamp-prometheus.yaml")
        XCTAssertEqual(sources["apiVersion"] as? Int, 1)
        let source = try XCTUnwrap((sources["datasources"] as? [[String: Any]])?.first)
        XCTAssertEqual(source["type"] as? String, "prometheus")
        XCTAssertFalse((source["name"] as? String ?? "").isEmpty)
        XCTAssertFalse((source["url"] as? String ?? "").isEmpty)
        XCTAssertEqual(source["access"] as? String, "proxy")
        let uid = try XCTUnwrap(source["uid"] as? String)

        let providers = try yaml("provisioning/dashboards/datamp-admin.yaml")
        XCTAssertEqual(providers["apiVersion"] as? Int, 1)
        let provider = try XCTUnwrap((providers["providers"] as? [[String: Any]])?.first)
        XCTAssertEqual(provider["type"] as? String, "file")
        XCTAssertFalse((provider["name"] as? String ?? "").isEmpty)
        let path = try XCTUnwrap((provider["options"] as? [String: Any])?["path"] as? String)
        XCTAssertTrue(path.hasPrefix("/"), path)

        // One JSON for the UI import and provisioning: no __inputs, every query through ${datasource},
        // a datasource variable that selects the provisioned uid (Grafana falls back to the default
        // Prometheus where that uid does not exist, as after a UI import).
        let board = try dashboard()
        XCTAssertNil(board["__inputs"])
        let variables = (board["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        let variable = try XCTUnwrap(variables.first { $0["name"] as? String == "datasource" })
        XCTAssertEqual(variable["type"] as? String, "datasource")
        XCTAssertEqual(variable["query"] as? String, "prometheus")
        XCTAssertEqual((variable["current"] as? [String: Any])?["value"] as? String, uid)
        var uids = Set<String>()
        Self.walk(board) { key, value in
            if key == "datasource", let ds = value as? [String: Any], ds["type"] as? String == "prometheus" { uids.insert(ds["uid"] as? String ?? "") }
        }
        XCTAssertEqual(uids, ["${datasource}"])
    }

    func testEveryMetricTheDashboardQueriesIsServedByTheHub() async throws {
        let board = try dashboard()
        var expressions: [String] = []
        Self.walk(board) { key, value in
            if key == "expr", let text = value as? String { expressions.append(text) }
            if key == "definition", let text = value as? String { expressions.append(text) }
        }
        let regex = try NSRegularExpression(pattern: "\\badmin_[a-z_]+")
        var used = Set<String>()
        for expression in expressions {
            for match in regex.matches(in: expression, range: NSRange(expression.startIndex..., in: expression)) {
                guard let range = Range(match.range, in: expression) else { continue }
                used.insert(String(expression[range]).replacingOccurrences(of: "_(bucket|sum|count)$", with: "", options: .regularExpression))
            }
        }
        XCTAssertGreaterThan(used.count, 12, "\(used.sorted())")

        // A hub with a listener input and a (recording) Sentry, fed events that move every family:
        // accepted, rejected, redacted, delivered to both stores, a GELF UDP datagram read and one
        // dropped, and errors notified to Sentry.
        let sentry = try await RecordingHTTPServer.start { _ in .json(#"{"id":"x"}"#) }
        defer { Task { await sentry.stop() } }
        let udpPort = freeLocalPort()
        let hub = try await startHub(extra: ["ADMIN_INPUTS_GELF_UDP_LISTEN": "127.0.0.1:\(udpPort)", "ADMIN_INPUTS_GELF_UDP_SERVICE": "gate",
                                             "ADMIN_SENTRY_DSN": "http://publickey@127.0.0.1:\(sentry.port)/42"])
        let token = try createToken()
        let accepted = try await post(hub, body: ndjson(5, idPrefix: "graf", extra: { _ in #","password":"hunter2""# }), token: token)
        XCTAssertEqual(accepted.status, 202)
        _ = try await post(hub, body: Array("not json\n".utf8), token: token)
        Self.sendUDP(port: udpPort, Array(#"{"version":"1.1","host":"h","short_message":"grafana test"}"#.utf8))
        Self.sendUDP(port: udpPort, Array("not gelf".utf8))
        var served = Set<String>()
        let deadline = ContinuousClock.now + .seconds(20)
        repeat {
            let metrics = try await get(hub.baseURL + "/metrics")
            served = Set(metrics.bodyText.split(separator: "\n").compactMap { line -> String? in
                let parts = line.split(separator: " ")
                return parts.count >= 3 && parts[0] == "#" && parts[1] == "TYPE" ? String(parts[2]) : nil
            })
            if used.isSubset(of: served) { break }
            try await Task.sleep(for: .milliseconds(500))
        } while ContinuousClock.now < deadline
        XCTAssertEqual(used.subtracting(served), [], "the dashboard queries metrics the hub does not serve; served: \(served.sorted())")
    }

    // MARK: - helpers

    static func walk(_ value: Any, _ visit: (String, Any) -> Void) {
        if let object = value as? [String: Any] {
            for (key, child) in object { visit(key, child); walk(child, visit) }
        } else if let array = value as? [Any] {
            for child in array { walk(child, visit) }
        }
    }

    static func sendUDP(port: Int, _ bytes: [UInt8]) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
