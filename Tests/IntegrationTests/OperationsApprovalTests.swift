import ClientHTTP
import ClientPostgres
import Foundation
import LogModel
import TestSupport
import XCTest

/// Four eyes, limits, CORE's errors passed on, and the hash-chained audit.
final class OperationsApprovalTests: OperationsTestCase {
    func testOverTheThresholdWaitsForAnotherApproverWhoAppliesItOnce() async throws {
        let hub = try await startOperationsHub()
        let manager = try staff("m@ops.test", role: "manager")
        let senior = try staff("s@ops.test", role: "senior_manager")
        let other = try staff("s2@ops.test", role: "senior_manager")

        let small = try await submit(hub, as: manager, "top_up", topUp("50000.00"))
        XCTAssertEqual(small.status, 200, "at the threshold it applies at once: \(small.bodyText)")

        let big = try await submit(hub, as: senior, "top_up", topUp("50000.01"))
        XCTAssertEqual(big.status, 202, big.bodyText)
        let id = try XCTUnwrap(try operation(big)["id"]?.int64Value)
        XCTAssertEqual(try operation(big)["state"], "pending_approval")
        XCTAssertEqual(core.movementCount("shop-1"), 1, "nothing is sent before approval")

        let selfApproval = try await send(hub, .post, "/api/v1/operations/\(id)/approve", as: senior, json: #"{"comment":"mine"}"#)
        XCTAssertEqual(selfApproval.status, 403)
        XCTAssertEqual(try json(selfApproval)["error"], "self_approval_forbidden")
        let byManager = try await send(hub, .post, "/api/v1/operations/\(id)/approve", as: manager, json: "{}")
        XCTAssertEqual(byManager.status, 403, "a manager cannot approve")

        let approved = try await send(hub, .post, "/api/v1/operations/\(id)/approve", as: other, json: #"{"comment":"checked the ticket"}"#)
        XCTAssertEqual(approved.status, 200, approved.bodyText)
        XCTAssertEqual(try operation(approved)["approver"]?["email"], "s2@ops.test")
        XCTAssertEqual(core.balance("shop-1"), "101000.01")
        let twice = try await send(hub, .post, "/api/v1/operations/\(id)/approve", as: other, json: "{}")
        XCTAssertEqual(twice.status, 409)
        XCTAssertEqual(core.movementCount("shop-1"), 2, "approved once, applied once")
        let seen = try await state(hub, id, as: senior)
        XCTAssertEqual(seen, "applied", "the initiator sees the change")
    }

    func testARejectedRequestIsNeverSentAndAnUnapprovedOneExpires() async throws {
        let hub = try await startOperationsHub(extra: ["ADMIN_OPERATIONS_APPROVAL_TTL": "2s"])
        let manager = try staff("m@ops.test", role: "manager")
        let senior = try staff("s@ops.test", role: "senior_manager")
        let correction = try await submit(hub, as: manager, "correct_balance",
                                          ["shop_id": "shop-1", "amount": "-1.00", "currency": "RUB", "reason": "double charge"])
        XCTAssertEqual(correction.status, 202, "a correction of any amount needs approval: \(correction.bodyText)")
        let id = try XCTUnwrap(try operation(correction)["id"]?.int64Value)
        let noComment = try await send(hub, .post, "/api/v1/operations/\(id)/reject", as: senior, json: "{}")
        XCTAssertEqual(noComment.status, 400)
        let rejected = try await send(hub, .post, "/api/v1/operations/\(id)/reject", as: senior, json: #"{"comment":"wrong shop"}"#)
        XCTAssertEqual(rejected.status, 409, rejected.bodyText)
        XCTAssertEqual(try operation(rejected)["state"], "rejected")
        XCTAssertEqual(try operation(rejected)["decision_comment"], "wrong shop")

        let refund = try await submit(hub, as: manager, "correct_balance",
                                      ["shop_id": "shop-1", "amount": "2.00", "currency": "RUB", "reason": "late fee back"])
        let late = try XCTUnwrap(try operation(refund)["id"]?.int64Value)
        try await eventually(timeout: .seconds(15), "the request expires") { try await self.state(hub, late, as: manager) == "expired" }
        let tooLate = try await send(hub, .post, "/api/v1/operations/\(late)/approve", as: senior, json: "{}")
        XCTAssertEqual(tooLate.status, 409)
        XCTAssertEqual(core.mutationRequests.count, 0)
    }

    func testRateLimitDailyCapAndCoreErrorsInPlainWords() async throws {
        let hub = try await startOperationsHub(extra: ["ADMIN_OPERATIONS_RATE_LIMIT_PER_MINUTE": "3",
                                                       "ADMIN_OPERATIONS_DAILY_CAP_MANAGER": "300.00"])
        let manager = try staff("m@ops.test", role: "manager")
        let first = try await submit(hub, as: manager, "top_up", topUp("200.00"))
        XCTAssertEqual(first.status, 200, first.bodyText)
        let overCap = try await submit(hub, as: manager, "top_up", topUp("100.01"))
        XCTAssertEqual(overCap.status, 403, overCap.bodyText)
        XCTAssertEqual(try json(overCap)["error"], "daily_cap_exceeded")

        let unknownShop = try await submit(hub, as: manager, "top_up", topUp("1.00", shop: "nope"))
        XCTAssertEqual(unknownShop.status, 404, unknownShop.bodyText)
        XCTAssertEqual(try json(unknownShop)["error"], "shop_not_found")
        XCTAssertEqual(try operation(unknownShop)["state"], "failed")

        let limited = try await submit(hub, as: manager, "block_shop", ["shop_id": "shop-1", "reason": "fraud check"])
        XCTAssertEqual(limited.status, 200, limited.bodyText)
        let fourth = try await submit(hub, as: manager, "unblock_shop", ["shop_id": "shop-1"])
        XCTAssertEqual(fourth.status, 429, fourth.bodyText)
        XCTAssertEqual(fourth.headers["Retry-After"], "60")

        let bad = try await submit(hub, as: manager, "top_up", ["shop_id": "shop-1", "amount": .double(0.1), "currency": "RUR"])
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(Set(try json(bad)["problems"]?.arrayValue?.compactMap { $0["param"]?.stringValue } ?? []), ["amount", "currency", "reason"])

        let lookup = try await send(hub, .get, "/api/v1/shops/shop-1", as: manager)
        XCTAssertEqual(lookup.status, 200, lookup.bodyText)
        XCTAssertEqual(try json(lookup)["shop"]?["state"], "blocked")
        XCTAssertEqual(try json(lookup)["movements"]?.arrayValue?.count, 1)
        XCTAssertEqual(try json(lookup)["operations"]?.arrayValue?.count, 2, "the top-up and the block (the over-cap one was never stored)")
        let missing = try await send(hub, .get, "/api/v1/shops/nope", as: manager)
        XCTAssertEqual(missing.status, 404)

        let support = try staff("support@ops.test", role: "support")
        let refused = try await submit(hub, as: support, "top_up", topUp("1.00"))
        XCTAssertEqual(refused.status, 403)
    }

    func testTheAuditChainVerifiesAndARowChangedBehindTheHubsBackIsNamed() async throws {
        let hub = try await startOperationsHub()
        let manager = try staff("m@ops.test", role: "manager")
        for amount in ["1.00", "2.00", "3.00"] {
            let response = try await submit(hub, as: manager, "top_up", topUp(amount))
            XCTAssertEqual(response.status, 200, response.bodyText)
        }
        let good = try verifyAudit()
        XCTAssertEqual(good.status, 0, good.output)
        XCTAssertTrue(good.output.contains("9 rows verified"), good.output)

        let entries = try await send(hub, .get, "/api/v1/operations/audit?shop=shop-1&actor=m@ops.test", as: manager)
        XCTAssertEqual(try json(entries)["entries"]?.arrayValue?.count, 3, "the initiator's requested rows")
        let csv = try await send(hub, .get, "/api/v1/operations/audit?shop=shop-1&format=csv", as: manager)
        XCTAssertEqual(csv.headers["Content-Type"], "text/csv; charset=utf-8")
        XCTAssertEqual(csv.bodyText.split(separator: "\r\n").count, 10, csv.bodyText)

        let database = try PostgresClient(url: databaseURL, poolSize: 1)
        do {
            _ = try await database.query("UPDATE operations_audit SET parameters = 'x' WHERE id = 2", [])
            XCTFail("the trigger must refuse an UPDATE")
        } catch {}
        do {
            _ = try await database.query("DELETE FROM operations_audit", [])
            XCTFail("the trigger must refuse a DELETE")
        } catch {}
        // The table's owner (here the hub's own role; a superuser likewise) can switch the triggers off:
        // the chain still tells.
        try await database.transaction { connection in
            _ = try await connection.query("ALTER TABLE operations_audit DISABLE TRIGGER USER", [])
            _ = try await connection.query(#"UPDATE operations_audit SET parameters = '{"amount":"3000.00"}' WHERE id = 5"#, [])
            _ = try await connection.query("ALTER TABLE operations_audit ENABLE TRIGGER USER", [])
        }
        await database.shutdown()
        let bad = try verifyAudit()
        XCTAssertEqual(bad.status, 1, bad.output)
        XCTAssertTrue(bad.output.contains("BROKEN at row 5"), bad.output)
    }

    /// The cap is checked in SQL (`operations_submit`) as `DailyCaps.allows` says: up to the cap exactly is allowed.
    func testTheDailyCapAllowsExactlyTheCapAndNotACentMore() async throws {
        let hub = try await startOperationsHub(extra: ["ADMIN_OPERATIONS_DAILY_CAP_MANAGER": "300.00"])
        let manager = try staff("m@ops.test", role: "manager")
        let atCap = try await submit(hub, as: manager, "top_up", topUp("300.00"))
        XCTAssertEqual(atCap.status, 200, atCap.bodyText)
        let overCap = try await submit(hub, as: manager, "top_up", topUp("0.01"))
        XCTAssertEqual(overCap.status, 403, overCap.bodyText)
        XCTAssertEqual(try json(overCap)["error"], "daily_cap_exceeded")
        XCTAssertTrue(overCap.bodyText.contains("on top of 300.00 today"), overCap.bodyText)
    }

    /// The audit rows are hashed in PostgreSQL (migration 501) and verified in Swift: the two must
    /// agree byte for byte on every text, escapes, non-ASCII and NULLs included.
    func testAuditRowsHashedInPostgreSQLVerifyInSwiftWhateverTheirText() async throws {
        _ = try await startOperationsHub()
        let texts = ["plain", "", "quote \" backslash \\ slash /", "controls \n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F}",
                     "Привет, 😀 \u{2028}\u{2029} </script>", #"{"amount":"100.00","note":"a\"b"}"#]
        let database = try PostgresClient(url: databaseURL, poolSize: 1)
        var appended = 0
        for (index, text) in texts.enumerated() {
            for nulls in [false, true] {
                let rows = try await database.query("""
                    SELECT hash FROM operations_audit_append($1::bigint, $2, $3::bigint, $4, $5, $6, $7, $8, $9, $10::integer, $11)
                    """, [nulls ? nil : String(index + 1), "event " + text, nulls ? nil : "-7", text, nulls ? nil : text, text, text,
                          nulls ? nil : text, nulls ? nil : text, nulls ? nil : "-1", nulls ? nil : text])
                XCTAssertEqual(try rows.first?.string("hash")?.count, 64)
                appended += 1
            }
        }
        await database.shutdown()
        let verified = try verifyAudit()
        XCTAssertEqual(verified.status, 0, verified.output)
        XCTAssertTrue(verified.output.contains("\(appended) rows verified"), verified.output)
    }
}
