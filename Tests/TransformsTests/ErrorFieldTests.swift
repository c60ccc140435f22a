import LogModel
import Transforms
import XCTest

final class ErrorFieldTests: XCTestCase {
    private let traceback = """
        Traceback (most recent call last):
          File "/app/billing/views.py", line 42, in pay
            charge(card)
          File "/app/billing/gateway.py", line 7, in charge
            raise ValueError("card declined")
        ValueError: card declined
        """

    func testEveryStackKeyIsReadAndGivesTypeAndMessage() throws {
        for key in ["error.stack_trace", "exc_info", "exception", "stack_trace", "traceback"] {
            let event = try normalize(JSONValue.object([key: .string(traceback)]).jsonString)
            XCTAssertEqual(event["error.stack_trace"], .string(traceback), key)
            XCTAssertEqual(event["error.type"], "ValueError", key)
            XCTAssertEqual(event["error.message"], "card declined", key)
        }
    }

    func testNestedErrorObjectIsRead() throws {
        let event = try normalize(#"{"error": {"type": "KeyError", "message": "'x'", "stack_trace": "at x", "code": 7}}"#)
        XCTAssertEqual(event["error"], ["type": "KeyError", "message": "'x'", "stack_trace": "at x"])
        XCTAssertEqual(event["attributes.error"], ["code": 7])
    }

    func testExplicitTypeAndMessageWinOverTheTraceback() throws {
        let event = try normalize(JSONValue.object([
            "error.type": "PaymentError", "exc_info": .string(traceback),
        ]).jsonString)
        XCTAssertEqual(event["error.type"], "PaymentError")
        XCTAssertEqual(event["error.message"], "card declined")
    }

    func testExcInfoAsAListOfLinesIsJoined() throws {
        let lines = traceback.split(separator: "\n").map { JSONValue.string(String($0) + "\n") }
        let event = try normalize(JSONValue.object(["exc_info": .array(lines)]).jsonString)
        XCTAssertEqual(event["error.stack_trace"], .string(traceback + "\n"))
        XCTAssertEqual(event["error.type"], "ValueError")
    }

    func testExceptionObjectIsRead() throws {
        let event = try normalize(#"{"exception": {"type": "TimeoutError", "message": "gateway", "stack_trace": "s", "retries": 3}}"#)
        XCTAssertEqual(event["error"], ["type": "TimeoutError", "message": "gateway", "stack_trace": "s"])
        XCTAssertEqual(event["attributes.exception"], ["retries": 3])
    }

    func testNonPythonStackIsKeptWithoutGuessingATypeAndCardsAreMasked() throws {
        let event = try normalize(#"{"stack_trace": "goroutine 1 [running]:\nmain.pay(4111111111111111)"}"#)
        XCTAssertEqual(event["error.stack_trace"], "goroutine 1 [running]:\nmain.pay(411111******1111)")
        XCTAssertNil(event["error.type"])
        XCTAssertEqual(event.redactions, 1)
    }

    func testCardNumbersInErrorMessageAndTracebackAreMasked() throws {
        let event = try normalize(JSONValue.object([
            "exc_info": .string("Traceback (most recent call last):\n  File \"x.py\", line 1, in f\nValueError: bad card 5555-5555-5555-4444"),
        ]).jsonString)
        XCTAssertEqual(event["error.message"], "bad card 555555******4444")
        XCTAssertTrue(event["error.stack_trace"]?.stringValue?.hasSuffix("ValueError: bad card 555555******4444") ?? false)
        XCTAssertEqual(event.redactions, 2)
    }
}
