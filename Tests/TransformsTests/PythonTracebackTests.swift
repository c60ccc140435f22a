import Transforms
import XCTest

final class PythonTracebackTests: XCTestCase {
    func testSimpleTraceback() {
        let text = """
            Traceback (most recent call last):
              File "app.py", line 3, in <module>
                main()
            ValueError: card declined
            """
        let parsed = PythonTraceback.exception(in: text)
        XCTAssertEqual(parsed?.type, "ValueError")
        XCTAssertEqual(parsed?.message, "card declined")
    }

    /// graypy's `full_message`: `"\n".join(traceback.format_exception(...))`, each line already ending in "\n".
    func testBlankLinesBetweenFramesAsGraypySendsThem() {
        let text = "Traceback (most recent call last):\n\n  File \"a.py\", line 3, in main\n    {}[\"missing\"]\n\nKeyError: 'missing'\n"
        let parsed = PythonTraceback.exception(in: text)
        XCTAssertEqual(parsed?.type, "KeyError")
        XCTAssertEqual(parsed?.message, "'missing'")
    }

    func testChainedTracebacksGiveTheLastException() {
        for separator in [
            "During handling of the above exception, another exception occurred:",
            "The above exception was the direct cause of the following exception:",
        ] {
            let text = """
                Traceback (most recent call last):
                  File "db.py", line 10, in connect
                    sock.connect()
                ConnectionRefusedError: [Errno 111] Connection refused

                \(separator)

                Traceback (most recent call last):
                  File "views.py", line 5, in pay
                    db.connect()
                django.db.utils.OperationalError: could not connect to server

                """
            let parsed = PythonTraceback.exception(in: text)
            XCTAssertEqual(parsed?.type, "django.db.utils.OperationalError", separator)
            XCTAssertEqual(parsed?.message, "could not connect to server", separator)
        }
    }

    func testExceptionWithoutAMessage() {
        let parsed = PythonTraceback.exception(in: "Traceback (most recent call last):\n  File \"a.py\", line 1, in f\nStopIteration\n")
        XCTAssertEqual(parsed?.type, "StopIteration")
        XCTAssertNil(parsed?.message)
    }

    func testKeyErrorKeepsItsQuotes() {
        let parsed = PythonTraceback.exception(in: "Traceback (most recent call last):\n  File \"a.py\", line 1, in f\nKeyError: 'x'")
        XCTAssertEqual(parsed?.type, "KeyError")
        XCTAssertEqual(parsed?.message, "'x'")
    }

    func testMultiLineMessagesAreKeptWhole() {
        let text = """
            Traceback (most recent call last):
              File "db.py", line 1, in f
                connect()
            psycopg2.OperationalError: connection to server at "db" failed: Connection refused
            \tIs the server running on that host and accepting TCP/IP connections?
            """
        let parsed = PythonTraceback.exception(in: text)
        XCTAssertEqual(parsed?.type, "psycopg2.OperationalError")
        XCTAssertEqual(parsed?.message, "connection to server at \"db\" failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?")
    }

    func testPython311CaretLinesAreFrames() {
        let text = "Traceback (most recent call last):\n  File \"a.py\", line 2, in <module>\n    1/0\n    ~^~\nZeroDivisionError: division by zero\r\n"
        let parsed = PythonTraceback.exception(in: text)
        XCTAssertEqual(parsed?.type, "ZeroDivisionError")
        XCTAssertEqual(parsed?.message, "division by zero")
    }

    func testTextAroundTheTracebackIsTolerated() {
        let parsed = PythonTraceback.exception(in: "payment failed\nTraceback (most recent call last):\n  File \"a.py\", line 1\nRuntimeError: x")
        XCTAssertEqual(parsed?.type, "RuntimeError")
    }

    func testNotATraceback() {
        XCTAssertNil(PythonTraceback.exception(in: "ValueError: x"))
        XCTAssertNil(PythonTraceback.exception(in: "Traceback (most recent call last):\n  File \"a.py\", line 1\n"))
    }

    func testALastLineThatIsNotATypeIsTheMessage() {
        let parsed = PythonTraceback.exception(in: "Traceback (most recent call last):\n  File \"a.py\", line 1\nsomething odd happened: really")
        XCTAssertNil(parsed?.type)
        XCTAssertEqual(parsed?.message, "something odd happened: really")
    }
}
