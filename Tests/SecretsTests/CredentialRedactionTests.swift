import Secrets
import XCTest

final class CredentialRedactionTests: XCTestCase {
    private func redacted(_ text: String) -> String { CredentialRedaction.redactCredentials(in: text) }

    func testURLPasswordIsMasked() {
        XCTAssertEqual(redacted("https://user:pw@example.com/path?q=1"), "https://user:[REDACTED]@example.com/path?q=1")
        XCTAssertEqual(redacted("postgresql://u:p@h/db"), "postgresql://u:[REDACTED]@h/db")
        XCTAssertEqual(redacted("postgres://u:secretpw@h/db"), "postgres://u:[REDACTED]@h/db")
        XCTAssertEqual(redacted("redis://:p@cache:6379/0"), "redis://:[REDACTED]@cache:6379/0")
    }

    func testMongoSeedListURIKeepsHostsAndOptions() {
        XCTAssertEqual(redacted("mongodb://u:p@h1,h2/db?replicaSet=rs0&w=majority"),
                       "mongodb://u:[REDACTED]@h1,h2/db?replicaSet=rs0&w=majority")
        XCTAssertEqual(redacted("mongodb+srv://app:s3cret@cluster0.example.net/x"), "mongodb+srv://app:[REDACTED]@cluster0.example.net/x")
    }

    func testAtSignInsideThePasswordIsCovered() {
        XCTAssertEqual(redacted("postgres://u:p@ss@w0rd@h:5432/db"), "postgres://u:[REDACTED]@h:5432/db")
        XCTAssertEqual(CredentialRedaction.password(in: "postgres://u:p@ss@h/db"), "p@ss")
    }

    func testColonInsideThePasswordIsCovered() {
        XCTAssertEqual(redacted("amqp://guest:a:b:c@rabbit/"), "amqp://guest:[REDACTED]@rabbit/")
    }

    func testURLsWithoutPasswordAreUnchanged() {
        for text in [
            "https://user@example.com/x", "https://example.com/a@b", "https://medium.com/@someone", "http://host:8080/path?x=1#y",
            "ssh://git@github.com:22/o/r.git", "mailto:ann@example.com", "https://u:@host/", "plain text with a@b.c and 10:30",
        ] {
            XCTAssertEqual(redacted(text), text)
            XCTAssertNil(CredentialRedaction.redactingCredentials(in: text), text)
        }
    }

    func testURLsInsideLongerTextAreMasked() {
        let message = #"could not connect to "postgres://app:hunter2@db:5432/x": timeout; fallback mongodb://m:pw@m1/y failed"#
        let result = CredentialRedaction.redactingCredentials(in: message)
        XCTAssertEqual(result?.text,
                       #"could not connect to "postgres://app:[REDACTED]@db:5432/x": timeout; fallback mongodb://m:[REDACTED]@m1/y failed"#)
        XCTAssertEqual(result?.count, 2)
        XCTAssertEqual(redacted("dsn=postgres://u:pw@h"), "dsn=postgres://u:[REDACTED]@h")
        XCTAssertEqual(redacted("(see http://u:pw@h)"), "(see http://u:[REDACTED]@h)")
    }

    func testConninfoPasswordIsMasked() {
        XCTAssertEqual(redacted("host=h password=secret user=u"), "host=h password=[REDACTED] user=u")
        XCTAssertEqual(redacted("host=h password='quoted secret' user=u"), "host=h password=[REDACTED] user=u")
        XCTAssertEqual(redacted(#"password = 'it\'s' dbname=x"#), "password = [REDACTED] dbname=x")
        XCTAssertEqual(redacted("PASSWORD=x"), "PASSWORD=[REDACTED]")
        XCTAssertEqual(redacted("export DB_PASSWORD=hunter2"), "export DB_PASSWORD=[REDACTED]")
        XCTAssertEqual(redacted("passwd=x y"), "passwd=[REDACTED] y")
    }

    func testQueryStringPasswordEndsAtTheNextParameter() {
        XCTAssertEqual(redacted("https://h/login?user=a&password=s3&next=/"), "https://h/login?user=a&password=[REDACTED]&next=/")
    }

    func testUnterminatedQuoteMasksToTheEnd() {
        XCTAssertEqual(redacted("password='abc def"), "password=[REDACTED]")
    }

    func testPasswordIsReadFromURLAndConninfo() {
        XCTAssertEqual(CredentialRedaction.password(in: "postgresql://u:pw@h/db"), "pw")
        XCTAssertEqual(CredentialRedaction.password(in: "host=h password=secret"), "secret")
        XCTAssertEqual(CredentialRedaction.password(in: #"host=h password='a \'b'"#), "a 'b")
        XCTAssertNil(CredentialRedaction.password(in: "mongodb://u@h/db"))
        XCTAssertNil(CredentialRedaction.password(in: "host=h user=u"))
    }

    func testKnownSecretIsScrubbedFromMessages() {
        XCTAssertEqual(CredentialRedaction.redact(secret: "hunter2", in: "auth failed for hunter2 (hunter2)"),
                       "auth failed for [REDACTED] ([REDACTED])")
        XCTAssertEqual(CredentialRedaction.redact(secret: "", in: "x"), "x")
        XCTAssertEqual(CredentialRedaction.redact(secret: nil, in: "x"), "x")
    }

    func testMaskedTextIsNotMaskedOrCountedAgain() {
        let once = redacted("mongodb://u:pw@h/db host=h password=s")
        XCTAssertEqual(once, "mongodb://u:[REDACTED]@h/db host=h password=[REDACTED]")
        XCTAssertNil(CredentialRedaction.redactingCredentials(in: once))
    }

    func testOrdinaryValuesAreUnchanged() {
        for text in ["2026-11-25T10:05:00.123Z", "01936f3e-7c1a-7c3e-9b1e-2f4d5a6b7c8d", "a=b c=d", "", "password", "x == y", "k=v&p=q"] {
            XCTAssertNil(CredentialRedaction.redactingCredentials(in: text), text)
        }
    }
}
