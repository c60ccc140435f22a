import Alerting
import LogModel
import XCTest

final class FingerprintTests: XCTestCase {
    func testVariablePartsBecomePlaceholders() {
        let cases: [(String, String)] = [
            ("payment 42 failed for ann@example.com", "payment <n> failed for <email>"),
            ("order 7f3a9c21-0b1e-4c3e-9b1e-2f4d5a6b7c8d not found.", "order <uuid> not found."),
            ("bad pointer 0xDEADBEEF and blob 9f86d081884c", "bad pointer <hex> and blob <hex>"),
            ("user 'ann' said \"hello world\"", "user <str> said <str>"),
            ("can't connect to db-3:5432", "can't connect to db-<n>:<n>"),
            ("billing.views failed", "billing.views failed"),
            ("José's card jo@ex.es v2.10.3. ok…", "José's card <email> v<n>.<n>.<n>. ok…"),
        ]
        for (message, expected) in cases {
            XCTAssertEqual(MessageTemplate.normalize(message), expected, message)
        }
    }

    func testSameKindOfErrorSameFingerprintDifferentServiceDifferent() {
        let a = AlertEvent(id: "1", timestampMillis: 0, level: .error, service: "billing", message: "order 1 failed", errorType: nil)
        var b = a
        b.id = "2"
        b.message = "order 99 failed"
        var c = a
        c.service = "shop"
        XCTAssertEqual(Fingerprint.of(a), Fingerprint.of(b))
        XCTAssertNotEqual(Fingerprint.of(a), Fingerprint.of(c))
        XCTAssertEqual(Fingerprint.of(a).count, 32)
    }

    func testOwnFingerprintWins() {
        var a = AlertEvent(id: "1", timestampMillis: 0, level: .error, service: "billing", message: "x 1")
        var b = AlertEvent(id: "2", timestampMillis: 0, level: .error, service: "billing", message: "totally different")
        a.fingerprint = ["payments-down"]
        b.fingerprint = ["payments-down"]
        XCTAssertEqual(Fingerprint.of(a), Fingerprint.of(b))
        var c = b
        c.fingerprint = ["{{ default }}", "x"]
        XCTAssertEqual(Fingerprint.parts(of: c).last, "x")
        XCTAssertEqual(Fingerprint.parts(of: c).count, 6)
    }

    /// The evaluator's per-batch memo gives exactly the digests it saves computing, and keeps no
    /// more than it may.
    func testTheDigestMemoAnswersAsTheDigestDoes() {
        var memo = DigestMemo(capacity: 3)
        var route = AlertRoute(path: "route.routes[0]", receiver: "oncall")
        route.grouping.groupBy = ["service", "fingerprint", "labels.shop_id"]
        for round in 0..<3 {
            for n in 0..<6 {
                var event = AlertEvent(id: "\(n)", timestampMillis: 0, level: .error, service: n % 2 == 0 ? "billing" : "shop",
                                       message: "order \(n) failed", labels: ["shop_id": "\(n % 3)"])
                event.errorType = n == 5 ? "KeyError" : nil
                // The memo writes the parts straight into its input: own fingerprints, with and without the defaults.
                event.fingerprint = n == 3 ? ["custom"] : n == 4 ? ["{{ default }}", "x", "{{default}}"] : nil
                let fingerprint = Fingerprint.of(event, memo: &memo)
                XCTAssertEqual(fingerprint, Fingerprint.of(event), "round \(round), event \(n)")
                XCTAssertEqual(route.groupKey(for: event, fingerprint: fingerprint, memo: &memo),
                               route.groupKey(for: event, fingerprint: fingerprint), "round \(round), event \(n)")
            }
        }
        XCTAssertEqual(memo.count, 3, "full: later digests are computed, not kept")
        XCTAssertEqual(memo.hash(["a", "b"]), Fingerprint.hash(["a", "b"]))
        // Parts are joined with a separator: ["ab", "c"] and ["a", "bc"] are different inputs.
        XCTAssertNotEqual(memo.hash(["ab", "c"]), memo.hash(["a", "bc"]))
        XCTAssertEqual(DigestMemo().count, 0)
    }

    func testEventReadFromStoredDocument() throws {
        let doc = try JSONParser.parse(#"{"log":{"level":"critical","logger":"billing.views"},"service":{"name":"billing","environment":"staging"},"message":"m","error":{"type":"ValueError","message":"card declined"},"labels":{"shop_id":"42","fingerprint":"fp"},"trace":{"id":"abc"},"http":{"request":{"id":"r-1"}}}"#)
        let event = AlertEvent(document: doc, id: "e1", timestampMillis: 5)
        XCTAssertEqual(event.level, .critical)
        XCTAssertEqual(event.service, "billing")
        XCTAssertEqual(event.environment, "staging")
        XCTAssertEqual(event.errorType, "ValueError")
        XCTAssertEqual(event.fingerprint, ["fp"])
        XCTAssertEqual(event.requestID, "r-1")
        XCTAssertEqual(event.value(of: "labels.shop_id"), "42")
    }

    func testDurations() {
        XCTAssertEqual(AlertDuration.milliseconds("10s"), 10_000)
        XCTAssertEqual(AlertDuration.milliseconds("1h30m"), 5_400_000)
        XCTAssertEqual(AlertDuration.milliseconds("500ms"), 500)
        XCTAssertEqual(AlertDuration.milliseconds("0s"), 0)
        XCTAssertEqual(AlertDuration.milliseconds("15"), 15_000)
        XCTAssertNil(AlertDuration.milliseconds("5 minutes"))
        XCTAssertNil(AlertDuration.milliseconds("m"))
        XCTAssertNil(AlertDuration.milliseconds(""))
        XCTAssertEqual(AlertDuration.describe(5_400_000), "1h30m")
    }
}
