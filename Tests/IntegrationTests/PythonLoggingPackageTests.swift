import Foundation
import TestSupport
import XCTest

/// The Django logging package (`ingest/python`, `datamp-logging`) installed with pip as a service would,
/// and its pytest suite run against a real hub on this test's own stores: a Django view that raises,
/// a hub outage, a spill left by an exited process, structlog (ingest/python/tests).
final class PythonLoggingPackageTests: HubTestCase {
    func testThePackagesPytestSuitePassesAgainstTheRealHub() async throws {
        let python = packageRoot() + "/.venv/bin/python"
        for module in ["pytest", "django", "structlog", "pymongo"] {
            guard (try? BrowserTest.run(python, ["-c", "import \(module)"]).status) == 0 else {
                throw StandIns.missing("\(module) in the project's virtualenv (scripts/install-deps)")
            }
        }
        let token = try createToken(service: "core")
        let installed = directory.path + "/site"
        let install = try run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                                       "--no-build-isolation", "--target", installed, packageRoot() + "/ingest/python"],
                              environment: [:])
        guard install.status == 0 else { return XCTFail("pip install ./ingest/python failed:\n\(install.text)") }

        let hubEnvironment = try JSONSerialization.data(withJSONObject: hubEnvironment(), options: [.sortedKeys])
        let result = try run(python, ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "console_output_style=classic",
                                      packageRoot() + "/ingest/python/tests"],
                             environment: ["PYTHONPATH": installed,
                                           "DATAMP_TEST_ADMIN_BINARY": adminBinaryPath(),
                                           "DATAMP_TEST_HUB_ENV": String(decoding: hubEnvironment, as: UTF8.self),
                                           "DATAMP_TEST_INGEST_TOKEN": token,
                                           "DATAMP_TEST_MONGODB_URI": mongoURI])
        print(result.text)
        XCTAssertEqual(result.status, 0, "pytest ingest/python/tests failed:\n\(result.text)")
        XCTAssertTrue(result.text.contains(" passed"), result.text)
        XCTAssertFalse(result.text.contains(" skipped"), "no test may be skipped here:\n\(result.text)")
        // The tests imported the pip-installed copy, not the source tree.
        let origin = try run(python, ["-c", "import datamp_logging; print(datamp_logging.__file__)"],
                             environment: ["PYTHONPATH": installed])
        XCTAssertTrue(origin.text.hasPrefix(installed), origin.text)
    }

    private func run(_ path: String, _ arguments: [String], environment: [String: String]) throws -> (text: String, status: Int32) {
        try BrowserTest.run(path, arguments, environment: environment, directory: directory.path)
    }
}
