import Foundation
import TestSupport
import XCTest

/// The /operations page in headless Chromium, driven by scripts/browser/operations_page.py: a manager
/// looks a shop up, tops it up over the threshold, and a senior manager approves it. Screenshots are
/// kept in var/artifacts/operations-page/.
final class OperationsPageBrowserTests: OperationsTestCase {
    func testAManagerTopsUpOverTheThresholdAndAnApproverApprovesItInChromium() async throws {
        let python = try BrowserTest.python()
        let hub = try await startOperationsHub()
        try createUser("manager@ops.test", roles: ["manager"])
        try createUser("senior@ops.test", roles: ["senior_manager"])
        let artifacts = packageRoot() + "/var/artifacts/operations-page"
        try? FileManager.default.removeItem(atPath: artifacts)
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let output = try BrowserTest.run(python, [packageRoot() + "/scripts/browser/operations_page.py", hub.baseURL, "manager@ops.test",
                                                  "senior@ops.test", Self.password, artifacts, "shop-1"])
        XCTAssertEqual(output.status, 0, output.text + "\nhub log:\n" + hub.tailOfLog())
        XCTAssertEqual(core.balance("shop-1"), "61000.00")
        XCTAssertEqual(core.mutationRequests.count, 1)
        for shot in ["1-looked-up", "2-confirm", "3-pending", "4-queue", "5-applied"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(artifacts)/\(shot).png"), shot)
        }
    }
}
