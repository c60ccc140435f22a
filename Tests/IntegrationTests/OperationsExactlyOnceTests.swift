import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// Exactly once against the CORE double: lost answers, 503s, a killed hub, repeated requests.
final class OperationsExactlyOnceTests: OperationsTestCase {
    func testAnAnswerLostAfterCoreAppliedEndsAppliedWithOneMovement() async throws {
        let hub = try await startOperationsHub()
        let manager = try staff("m@ops.test", role: "manager")
        core.dropAfterApplying(times: 1)
        let response = try await submit(hub, as: manager, "top_up", topUp("100.00"))
        XCTAssertEqual(response.status, 200, response.bodyText)
        XCTAssertEqual(try operation(response)["state"], "applied")
        XCTAssertEqual(core.movementCount("shop-1"), 1)
        XCTAssertEqual(core.balance("shop-1"), "1100.00")
        XCTAssertEqual(core.mutationRequests.count, 1, "the hub asked CORE by the key instead of sending again")
        XCTAssertTrue(core.server.requests.contains { $0.path.hasPrefix("/internal/v1/idempotency/") })
        let sent = try XCTUnwrap(core.mutationRequests.first)
        XCTAssertEqual(sent.headers["Authorization"], "Bearer \(core.token)")
        XCTAssertNotNil(sent.headers["X-Request-ID"])
        XCTAssertEqual(sent.headers["Idempotency-Key"]?.count, 64)
        XCTAssertEqual(sent.bodyText, #"{"amount":"100.00","currency":"RUB","reason":"goodwill credit"}"#)
        XCTAssertEqual(Int64(sent.headers["X-Admin-Actor"] ?? ""), try operation(response)["initiator"]?["id"]?.int64Value)
        // Load balancers and admins see the proxy under "operations" (it was "operationss").
        let ready = try json(try await get(hub.baseURL + "/readyz"))
        XCTAssertEqual(ready["operations"]?["core"]?["state"]?.stringValue, "ready", "\(ready)")
        XCTAssertNil(ready["operationss"])
    }

    func testCoreAnswering503TwiceThen201AppliesOnce() async throws {
        let hub = try await startOperationsHub()
        let manager = try staff("m@ops.test", role: "manager")
        core.fail503(times: 2)
        let response = try await submit(hub, as: manager, "top_up", topUp("250.50"))
        XCTAssertEqual(response.status, 200, response.bodyText)
        XCTAssertEqual(core.movementCount("shop-1"), 1)
        XCTAssertEqual(core.balance("shop-1"), "1250.50")
        let keys = Set(core.mutationRequests.compactMap { $0.headers["Idempotency-Key"] })
        XCTAssertEqual(core.mutationRequests.count, 3)
        XCTAssertEqual(keys.count, 1, "every retry carries the one key chosen for the operation")
        XCTAssertEqual(try operation(response)["attempts"], 3)
    }

    func testAHubKilledWhileSendingIsReconciledAfterRestartAndNeverSendsTwice() async throws {
        let hub = try await startOperationsHub()
        let manager = try staff("m@ops.test", role: "manager")
        core.hold()
        let requestID = UUID().uuidString
        let url = hub.baseURL, bearer = manager.bearer ?? ""
        let submission = Task { () -> HTTPResponse? in
            try? await OperationsTestCase.submitDetached(url, bearer: bearer, "top_up", OperationsTestCase.topUp("70.00"), requestID: requestID)
        }
        try await eventually(timeout: .seconds(20), "the top-up reaches CORE") { self.core.mutationRequests.count == 1 }
        hub.kill9()
        _ = await submission.value
        // CORE finishes the call the dead hub never hears about.
        core.release(.apply)
        try await eventually(timeout: .seconds(10), "CORE applies it") { self.core.movementCount("shop-1") == 1 }

        let restarted = try await restart(hub)
        try await eventually(timeout: .seconds(30), "the reconciler finishes the sending operation") {
            let list = try await self.send(restarted, .get, "/api/v1/operations?shop=shop-1", as: manager)
            return try self.json(list)["operations"]?.arrayValue?.first?["state"] == "applied"
        }
        XCTAssertEqual(core.mutationRequests.count, 1, "never sent twice")
        XCTAssertEqual(core.movementCount("shop-1"), 1)
        let again = try await submit(restarted, as: manager, "top_up", topUp("70.00"), requestID: requestID)
        XCTAssertEqual(again.status, 200, "the same request_id answers with the reconciled operation: \(again.bodyText)")
        XCTAssertEqual(core.mutationRequests.count, 1)
    }

    func testAHubKilledBeforeCoreAppliedSendsAgainWithTheSameKeyAfterRestart() async throws {
        let hub = try await startOperationsHub()
        let manager = try staff("m@ops.test", role: "manager")
        core.hold()
        let url = hub.baseURL, bearer = manager.bearer ?? ""
        let submission = Task { () -> HTTPResponse? in
            try? await OperationsTestCase.submitDetached(url, bearer: bearer, "top_up", OperationsTestCase.topUp("5.00"), requestID: UUID().uuidString)
        }
        try await eventually(timeout: .seconds(20), "the top-up reaches CORE") { self.core.mutationRequests.count == 1 }
        hub.kill9()
        _ = await submission.value
        core.release(.dropWithoutApplying)
        let restarted = try await restart(hub)
        try await eventually(timeout: .seconds(30), "the reconciler learns CORE never applied it and sends it again") {
            self.core.movementCount("shop-1") == 1
        }
        let keys = core.mutationRequests.compactMap { $0.headers["Idempotency-Key"] }
        XCTAssertEqual(keys.count, 2)
        XCTAssertEqual(Set(keys).count, 1, "the re-send carries the same key")
        _ = restarted
    }

    func testTheSameRequestIDTwiceIsOneOperation() async throws {
        let hub = try await startOperationsHub()
        let manager = try staff("m@ops.test", role: "manager")
        let requestID = UUID().uuidString
        let (url, bearer) = (hub.baseURL, manager.bearer ?? "")
        async let first = Self.submitDetached(url, bearer: bearer, "top_up", Self.topUp("10.00"), requestID: requestID)
        async let second = Self.submitDetached(url, bearer: bearer, "top_up", Self.topUp("10.00"), requestID: requestID)
        let (a, b) = try await (first, second)
        XCTAssertEqual(try operation(a)["id"], try operation(b)["id"], "\(a.bodyText)\n\(b.bodyText)")
        try await eventually(timeout: .seconds(10), "the operation is applied") { try await self.state(hub, try self.operation(a)["id"]?.int64Value ?? 0, as: manager) == "applied" }
        XCTAssertEqual(core.movementCount("shop-1"), 1)
        let third = try await submit(hub, as: manager, "top_up", topUp("10.00"), requestID: requestID)
        XCTAssertEqual(third.status, 200)
        XCTAssertEqual(core.mutationRequests.count, 1)
        let other = try await submit(hub, as: manager, "top_up", topUp("99.00"), requestID: requestID)
        XCTAssertEqual(other.status, 409, other.bodyText)
        XCTAssertEqual(try json(other)["error"], "request_id_reused")
    }
}

/// Two hub nodes on one database.
final class OperationsTwoNodesTests: OperationsTestCase {
    func testTheSameRequestOnTwoNodesIsOneOperationAndOneMovement() async throws {
        let first = try await startOperationsHub()
        let second = try await startOperationsHub(extra: ["ADMIN_DATA_DIR": directory.path + "/data-node2"])
        let manager = try staff("m@ops.test", role: "manager")
        let requestID = UUID().uuidString
        let bearer = manager.bearer ?? ""
        async let a = Self.submitDetached(first.baseURL, bearer: bearer, "top_up", Self.topUp("42.00"), requestID: requestID)
        async let b = Self.submitDetached(second.baseURL, bearer: bearer, "top_up", Self.topUp("42.00"), requestID: requestID)
        let (one, two) = try await (a, b)
        XCTAssertEqual(try operation(one)["id"], try operation(two)["id"], "\(one.bodyText)\n\(two.bodyText)")
        let id = try XCTUnwrap(try operation(one)["id"]?.int64Value)
        try await eventually(timeout: .seconds(10), "applied") { try await self.state(first, id, as: manager) == "applied" }
        XCTAssertEqual(core.movementCount("shop-1"), 1)
        XCTAssertEqual(core.mutationRequests.count, 1)
        let verified = try verifyAudit()
        XCTAssertEqual(verified.status, 0, "two nodes appending never fork the chain: \(verified.output)")
    }
}
