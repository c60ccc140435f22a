import Alerting
import Foundation
import LogModel
import XCTest

final class SentryTests: XCTestCase {
    static let djangoTraceback = """
        Traceback (most recent call last):
          File "/usr/local/lib/python3.11/site-packages/django/core/handlers/exception.py", line 55, in inner
            response = get_response(request)
          File "/usr/local/lib/python3.11/site-packages/django/core/handlers/base.py", line 197, in _get_response
            response = wrapped_callback(request, *callback_args, **callback_kwargs)
          File "/app/billing/views.py", line 88, in pay
            charge(order)
          File "/app/billing/gateway.py", line 17, in charge
            raise CardDeclined("card declined")
        billing.gateway.CardDeclined: card declined

        During handling of the above exception, another exception occurred:

        Traceback (most recent call last):
          File "/app/billing/views.py", line 91, in pay
            order.fail()
        ValueError: Payment failed for order 42
        """

    func testDjangoTracebackBecomesChainedExceptionsInPythonOrder() {
        let values = PythonTraceback.parse(Self.djangoTraceback)
        XCTAssertEqual(values.count, 2)
        XCTAssertEqual(values[0].type, "CardDeclined")
        XCTAssertEqual(values[0].module, "billing.gateway")
        XCTAssertEqual(values[0].value, "card declined")
        XCTAssertEqual(values[0].frames.map(\.function), ["inner", "_get_response", "pay", "charge"])
        XCTAssertEqual(values[0].frames.last?.lineno, 17)
        XCTAssertEqual(values[0].frames.last?.contextLine, "raise CardDeclined(\"card declined\")")
        XCTAssertEqual(values[1].type, "ValueError")
        XCTAssertNil(values[1].module)
        XCTAssertEqual(values[1].frames.map(\.filename), ["/app/billing/views.py"])
    }

    func testDSN() {
        let dsn = SentryDSN("https://abc123@o42.ingest.sentry.io/7")
        XCTAssertEqual(dsn?.endpoint, "https://o42.ingest.sentry.io/api/7/envelope/")
        XCTAssertEqual(dsn?.publicKey, "abc123")
        XCTAssertEqual(SentryDSN("http://k:s@127.0.0.1:9000/sentry/12")?.endpoint, "http://127.0.0.1:9000/sentry/api/12/envelope/")
        XCTAssertEqual(SentryDSN("http://k:s@127.0.0.1:9000/sentry/12")?.authHeader,
                       "Sentry sentry_version=7, sentry_client=admin-hub/1.0, sentry_key=k, sentry_secret=s")
        XCTAssertNil(SentryDSN("not a dsn"))
        XCTAssertNil(SentryDSN("https://host/7"))
    }

    func testEnvelopeParsesBackPerSpec() throws {
        var event = AlertEvent(id: "01936f3e-7c1a-7c3e-9b1e-2f4d5a6b7c8d", timestampMillis: 1_714_671_696_123, level: .critical,
                               service: "billing", environment: "production", logger: "billing.views", message: "Payment failed",
                               errorType: "ValueError", errorMessage: "Payment failed for order 42", stackTrace: Self.djangoTraceback,
                               labels: ["shop_id": "42"])
        event.traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        event.spanID = "00f067aa0ba902b7"
        event.requestID = "r-9f2"
        let body = SentryEnvelope.build(for: event, fingerprint: "fp", suppressed: 12, sentAt: "2024-05-02T17:41:37.000Z")
        let (header, itemHeader, payload) = try Self.split(body)
        let id = SentryEnvelope.eventID(for: event.id)
        XCTAssertEqual(id.count, 32)
        XCTAssertEqual(id, SentryEnvelope.eventID(for: event.id), "the same log event always gets the same Sentry id")
        XCTAssertEqual(header["event_id"]?.stringValue, id)
        XCTAssertEqual(header["sent_at"]?.stringValue, "2024-05-02T17:41:37.000Z")
        XCTAssertEqual(itemHeader["type"]?.stringValue, "event")
        XCTAssertEqual(payload["event_id"]?.stringValue, id)
        XCTAssertEqual(payload["level"]?.stringValue, "fatal")
        XCTAssertEqual(payload["platform"]?.stringValue, "python")
        XCTAssertEqual(payload["tags"]?["shop_id"]?.stringValue, "42")
        XCTAssertEqual(payload["tags"]?["request_id"]?.stringValue, "r-9f2")
        XCTAssertEqual(payload["tags"]?["logger"]?.stringValue, "billing.views")
        XCTAssertEqual(payload["contexts"]?["trace"]?["trace_id"]?.stringValue, event.traceID)
        XCTAssertEqual(payload["contexts"]?["trace"]?["span_id"]?.stringValue, event.spanID)
        XCTAssertEqual(payload["fingerprint"], ["fp"])
        XCTAssertEqual(payload["extra"]?["suppressed_since_last"], .int(12))
        let values = payload["exception"]?["values"]?.arrayValue ?? []
        XCTAssertEqual(values.count, 2)
        let frames = values[0]["stacktrace"]?["frames"]?.arrayValue ?? []
        XCTAssertEqual(frames.map { $0["function"]?.stringValue }, ["inner", "_get_response", "pay", "charge"])
        XCTAssertEqual(frames.first?["in_app"], .bool(false))
        XCTAssertEqual(frames.last?["in_app"], .bool(true))
        XCTAssertEqual(frames.last?["context_line"]?.stringValue, "raise CardDeclined(\"card declined\")")
        XCTAssertEqual(SentryEnvelope.category(of: event), "error")
    }

    func testHugeStackIsTrimmedUnderOneMegabyteNeverDropped() throws {
        var stack = "Traceback (most recent call last):\n"
        let filler = String(repeating: "x", count: 80)
        for i in 0..<20_000 {
            let n = String(i)
            stack += "  File \"/app/deep/module" + n + ".py\", line " + n + ", in f" + n + "\n    " + filler + "\n"
        }
        stack += "RecursionError: maximum recursion depth exceeded"
        let event = AlertEvent(id: "e", timestampMillis: 0, level: .error, service: "s", message: "m", errorType: "RecursionError", stackTrace: stack)
        let body = SentryEnvelope.build(for: event, fingerprint: "fp", sentAt: "2024-05-02T17:41:37.000Z")
        let (_, itemHeader, payload) = try Self.split(body)
        guard case .int(let length)? = itemHeader["length"] else { return XCTFail("no length") }
        XCTAssertLessThanOrEqual(length, Int64(SentryEnvelope.maximumItemBytes))
        let frames = payload["exception"]?["values"]?.arrayValue?.first?["stacktrace"]?["frames"]?.arrayValue ?? []
        XCTAssertFalse(frames.isEmpty)
        XCTAssertEqual(frames.first?["function"]?.stringValue, "f0", "trimmed from the middle")
        XCTAssertEqual(frames.last?["function"]?.stringValue, "f19999")
    }

    func testRateLimitHeaders() {
        var limits = SentryRateLimits()
        limits.update(status: 200, rateLimitsHeader: "60:error:organization, 2.5:transaction:key", retryAfterHeader: nil, now: 1000)
        XCTAssertEqual(limits.limitedUntil("error", now: 1000), 61_000)
        XCTAssertNil(limits.limitedUntil("default", now: 1000))
        XCTAssertEqual(limits.limitedUntil("transaction", now: 1000), 3500, "floats are seconds too")
        XCTAssertNil(limits.limitedUntil("error", now: 61_000))
        var all = SentryRateLimits()
        all.update(status: 429, rateLimitsHeader: nil, retryAfterHeader: "30", now: 0)
        XCTAssertEqual(all.limitedUntil("default", now: 0), 30_000)
        var empty = SentryRateLimits()
        empty.update(status: 200, rateLimitsHeader: "10::organization", retryAfterHeader: nil, now: 0)
        XCTAssertEqual(empty.limitedUntil("error", now: 0), 10_000, "no categories = all")
        var bare = SentryRateLimits()
        bare.update(status: 429, rateLimitsHeader: nil, retryAfterHeader: nil, now: 0)
        XCTAssertEqual(bare.limitedUntil("error", now: 0), 60_000)
        var unknown = SentryRateLimits()
        unknown.update(status: 200, rateLimitsHeader: "10:foo:key", retryAfterHeader: nil, now: 0)
        XCTAssertNil(unknown.limitedUntil("error", now: 0))
    }

    /// Splits an envelope by its grammar: header line, item header, `length` bytes of payload, `\n`.
    static func split(_ body: [UInt8]) throws -> (JSONValue, JSONValue, JSONValue) {
        guard let first = body.firstIndex(of: 10) else { throw NSError(domain: "envelope", code: 1) }
        let header = try JSONParser.parse(Array(body[..<first]))
        let rest = body[(first + 1)...]
        guard let second = rest.firstIndex(of: 10) else { throw NSError(domain: "envelope", code: 2) }
        let itemHeader = try JSONParser.parse(Array(rest[..<second]))
        guard case .int(let length)? = itemHeader["length"] else { throw NSError(domain: "envelope", code: 3) }
        let start = second + 1
        let payload = try JSONParser.parse(Array(body[start..<(start + Int(length))]))
        XCTAssertEqual(body[start + Int(length)], 10, "a payload is followed by \\n")
        return (header, itemHeader, payload)
    }
}
