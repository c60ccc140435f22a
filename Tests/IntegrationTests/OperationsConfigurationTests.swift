import Foundation
import TestSupport
import XCTest

/// The `operations:` section: a configured catalog is validated at start-up with paths, the CORE token
/// is a secret, half a TLS pair is refused.
final class OperationsConfigurationTests: XCTestCase {
    func checkConfig(_ yaml: String, environment: [String: String] = [:]) throws -> (ok: Bool, output: String) {
        let directory = try TemporaryDirectory(prefix: "ops-config")
        defer { directory.remove() }
        let path = directory.path + "/admin.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            return (true, try runAdmin(["check-config", "--config", path], environment: environment))
        } catch HubProcessError.commandFailed(_, _, let output) {
            return (false, output)
        }
    }

    func testABadCatalogIsRefusedWithEveryProblemsPath() throws {
        let (ok, output) = try checkConfig("""
        operations:
          core_url: http://127.0.0.1:9
          core_token: secret-core-token
          catalog:
            - name: top_up
              title: Top up
              path: /internal/v1/shops/{shop}/top-ups
              approval: {kind: above, amount: "5.001", currency: RUB}
              parameters:
                - {name: shop_id, type: string, in: path, pattern: "[a-"}
                - {name: amount, type: money}
                - {name: colour, type: paint}
          unknown_setting: 1
        """)
        XCTAssertFalse(ok, output)
        for expected in ["operations.catalog[0].approval.amount", "operations.catalog[0].parameters[2].type",
                         "operations.catalog[0].parameters[0].pattern", "operations.catalog[0].parameters[1].currency_parameter",
                         "operations.catalog[0].path", "unknown key 'operations.unknown_setting'"] {
            XCTAssertTrue(output.contains(expected), "no '\(expected)' in:\n\(output)")
        }
    }

    func testTheCoreTokenIsMaskedAndAHalfTLSPairIsRefused() throws {
        let good = try checkConfig("operations:\n  core_url: https://core.internal\n", environment: ["ADMIN_CORE_TOKEN": "very-secret-core-token"])
        XCTAssertTrue(good.ok, good.output)
        XCTAssertTrue(good.output.contains("operations.core_token"), good.output)
        XCTAssertFalse(good.output.contains("very-secret-core-token"), "the token must be masked:\n\(good.output)")

        let half = try checkConfig("operations:\n  core_url: https://core.internal\n  core_token: t\n  tls:\n    client_cert: /etc/hostname\n")
        XCTAssertFalse(half.ok)
        XCTAssertTrue(half.output.contains("operations.tls.client_key"), half.output)
        let noToken = try checkConfig("operations:\n  core_url: https://core.internal\n")
        XCTAssertFalse(noToken.ok)
        XCTAssertTrue(noToken.output.contains("operations.core_token (ADMIN_CORE_TOKEN) must be set"), noToken.output)
    }
}
