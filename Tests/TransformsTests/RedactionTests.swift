import LogModel
import Transforms
import XCTest

final class RedactionTests: XCTestCase {
    func testSecretNamedLabelsAreRedacted() throws {
        let event = try normalize(#"""
            {"password": "hunter2", "X-Api-Key": "k", "apiKey": "k2", "Authorization": "Bearer t", "sessionid": "s",
             "csrftoken": "c", "client_secret": "x", "Cookie": "a=b", "card_number": "4111", "cvv": 123, "user_name": "ann"}
            """#)
        let labels = try XCTUnwrap(event["labels"]?.objectValue)
        for key in ["password", "X-Api-Key", "apiKey", "Authorization", "sessionid", "csrftoken", "client_secret", "Cookie", "card_number", "cvv"] {
            XCTAssertEqual(labels[key], "[REDACTED]", key)
        }
        XCTAssertEqual(labels["user_name"], "ann")
        XCTAssertEqual(event.redactions, 10)
    }

    func testShortSecretNamesMatchOnlyWholeWords() throws {
        let event = try normalize(#"{"card_pan": "x", "cardPan": "y", "company": "acme", "span_name": "db", "expand": "1", "CVC2": "1"}"#)
        XCTAssertEqual(event["labels"], [
            "card_pan": "[REDACTED]", "cardPan": "[REDACTED]", "company": "acme", "span_name": "db", "expand": "1", "CVC2": "[REDACTED]",
        ])
    }

    func testSecretsNestedAnywhereInAttributesAreRedacted() throws {
        let event = try normalize(#"""
            {"http": {"request": {"headers": {"authorization": "Bearer abc", "accept": "json"}}},
             "payment": {"card": {"number": "4111"}, "cards": [{"cvc": 1, "brand": "visa"}], "credentials": {"token": {"a": 1}}}}
            """#)
        XCTAssertEqual(event["attributes.http.request.headers.authorization"], "[REDACTED]")
        XCTAssertEqual(event["attributes.http.request.headers.accept"], "json")
        XCTAssertEqual(event["attributes.payment.cards"], [["cvc": "[REDACTED]", "brand": "visa"]])
        XCTAssertEqual(event["attributes.payment.credentials.token"], "[REDACTED]")
        XCTAssertEqual(event["attributes.payment.card.number"], "4111", "not a secret name by itself")
        XCTAssertEqual(event.redactions, 3)
    }

    func testWholeSecretObjectsAreReplaced() throws {
        XCTAssertEqual(try normalize(#"{"secrets": {"a": 1}}"#)["attributes.secrets"], "[REDACTED]")
        XCTAssertEqual(try normalize(#"{"labels": {"token": "t"}}"#)["labels.token"], "[REDACTED]")
    }

    func testExtraRedactKeysAreAdded() throws {
        let configuration = NormalizerConfiguration(extraRedactKeys: ["x-shop-signature"])
        let event = try normalize(#"{"X_Shop_Signature": "sig", "shop": "s"}"#, configuration: configuration)
        XCTAssertEqual(event["labels"], ["X_Shop_Signature": "[REDACTED]", "shop": "s"])
    }

    func testLuhnValidCardNumbersInMessagesAreMasked() throws {
        let cases: [(String, String)] = [
            ("card 4111111111111111 declined", "card 411111******1111 declined"),
            ("card 4111 1111 1111 1111 declined", "card 411111******1111 declined"),
            ("card 5555-5555-5555-4444.", "card 555555******4444."),
            ("amex 378282246310005", "amex 378282*****0005"),
            ("two 4111111111111111,5555555555554444", "two 411111******1111,555555******4444"),
            ("order 12 4111 1111 1111 1111 ok", "order 12 411111******1111 ok"),
            ("pan=4012888888881881", "pan=401288******1881"),
        ]
        for (input, expected) in cases {
            let event = try normalize(JSONValue.object(["message": .string(input)]).jsonString)
            XCTAssertEqual(event["message"], .string(expected), input)
            XCTAssertGreaterThan(event.redactions, 0, input)
        }
    }

    func testNumbersThatAreNotCardsAreLeftAlone() throws {
        let untouched = [
            "card 4111111111111112 declined",  // fails Luhn
            "took 1795601100123 ms",  // epoch ms: starts with 1
            "ns 1795601100123456789",  // epoch ns
            "id 41111111111111110000000",  // 23 digits: an id
            "short 411111111111",  // 12 digits
            "phone +7 912 345 67 89",
            "order 4111-1111-1111-1112",  // separated, fails Luhn
        ]
        for input in untouched {
            let event = try normalize(JSONValue.object(["message": .string(input)]).jsonString)
            XCTAssertEqual(event["message"], .string(input), input)
            XCTAssertEqual(event.redactions, 0, input)
        }
    }

    // MARK: - Card numbers and passwords in every value (issue 7: the three user reports)

    func testCardNumberInsideALabelValueIsMasked() throws {
        let event = try normalize(#"{"note": "pan=4111111111111111"}"#)
        XCTAssertEqual(event["labels.note"], "pan=411111******1111")
        XCTAssertEqual(event.redactions, 1)
    }

    func testCardNumberDeepInsideExtraFieldsIsMasked() throws {
        let event = try normalize(#"{"extra": {"deep": {"cc": "4111111111111111"}}}"#)
        XCTAssertEqual(event["attributes.extra.deep.cc"], "411111******1111")
        XCTAssertEqual(event.redactions, 1)
    }

    func testDSNLabelLosesItsPassword() throws {
        let event = try normalize(#"{"dsn": "postgres://u:secretpw@h/db"}"#)
        XCTAssertEqual(event["labels.dsn"], "postgres://u:[REDACTED]@h/db")
        XCTAssertEqual(event.redactions, 1)
    }

    func testCardNumbersAndPasswordsAreMaskedInEveryValue() throws {
        let event = try normalize(#"""
            {"message": "retry mongodb://app:pw@m1,m2/db?rs=x", "logger": "card 4111-1111-1111-1111",
             "error": {"message": "host=db password='a b' failed", "stack_trace": "at redis://:pw@cache:6379"},
             "tags": ["ok", "5555555555554444"], "order": {"n": 4111111111111111, "items": [{"url": "https://u:p@h/x"}]},
             "labels": {"conn": "host=h password=s"}}
            """#)
        XCTAssertEqual(event["message"], "retry mongodb://app:[REDACTED]@m1,m2/db?rs=x")
        XCTAssertEqual(event["log.logger"], "card 411111******1111")
        XCTAssertEqual(event["error.message"], "host=db password=[REDACTED] failed")
        XCTAssertEqual(event["error.stack_trace"], "at redis://:[REDACTED]@cache:6379")
        XCTAssertEqual(event["attributes.tags"], ["ok", "555555******4444"])
        XCTAssertEqual(event["attributes.order.n"], "411111******1111", "a card number sent as a JSON number")
        XCTAssertEqual(event["attributes.order.items"], [["url": "https://u:[REDACTED]@h/x"]])
        XCTAssertEqual(event["labels.conn"], "host=h password=[REDACTED]")
        XCTAssertEqual(event.redactions, 8)
    }

    func testCardNumberUsedAsAKeyIsMasked() throws {
        let event = try normalize(#"{"4111111111111111": "x", "seen": {"5555555555554444": true}}"#)
        XCTAssertEqual(event["labels"], ["411111******1111": "x"])
        XCTAssertEqual(event["attributes.seen"], ["555555******4444": true])
    }

    func testOrdinaryValuesAreStoredUnchanged() throws {
        let json = #"""
            {"at": "2026-11-25T10:05:00.123456Z", "epoch_ms": 1795601100123, "epoch_ns": "1795601100123456789",
             "request": "01936f3e-7c1a-7c3e-9b1e-2f4d5a6b7c8d", "order_id": "4111111111111112", "phone": "+7 912 345 67 89",
             "home": "https://example.com/a?b=c&d=e#f", "git": "ssh://git@github.com/o/r.git", "who": "ann@example.com",
             "query": "a=b&token_count=3", "b64": "aGVsbG8=", "nested": {"u": "http://host:8080/@x", "n": [1795601100123, 42]}}
            """#
        let event = try normalize(json)
        XCTAssertEqual(event.redactions, 0)
        let raw = try XCTUnwrap(JSONParser.parse(json).objectValue)
        for member in raw where member.key != "nested" {
            XCTAssertEqual(event["labels"]?[member.key], .string(member.value.scalarText ?? ""), member.key)
        }
        XCTAssertEqual(event["attributes.nested"], raw["nested"])
    }

    // MARK: - Card-named keys

    func testCardNamedKeysAreMaskedWhenTheyHoldACardNumber() throws {
        let event = try normalize(#"""
            {"cc": "4111 1111 1111 1111", "card_number": 5555555555554444, "creditCard": "378282246310005", "PAN": "4012888888881881",
             "ccNum": "4111-1111-1111-1111"}
            """#)
        XCTAssertEqual(event["labels"], [
            "cc": "411111******1111", "card_number": "555555******4444", "creditCard": "378282*****0005", "PAN": "401288******1881",
            "ccNum": "411111******1111",
        ])
        XCTAssertEqual(event.redactions, 5)
    }

    func testCardNamedKeysAreRedactedWhenTheValueIsNoPlausibleNumber() throws {
        let event = try normalize(#"""
            {"card": "4111 1111 1111 1112", "pan": "4111", "cc": "1111111111111117", "card_holder": "ANN LEE", "has_card": true,
             "payment": {"card": {"number": "4111", "brand": "visa"}}}
            """#)
        XCTAssertEqual(event["labels"], [
            "card": "[REDACTED]", "pan": "[REDACTED]", "cc": "[REDACTED]", "card_holder": "[REDACTED]", "has_card": "true",
        ])
        XCTAssertEqual(event["attributes.payment.card"], ["number": "4111", "brand": "visa"], "an object under a card key is walked")
    }

    func testCvvAndCvcAreAlwaysFullyRedacted() throws {
        let event = try normalize(#"{"cvv": "123", "CVC": 4111111111111111, "card_cvv": "4111111111111111", "cvv2": "1"}"#)
        XCTAssertEqual(event["labels"], ["cvv": "[REDACTED]", "CVC": "[REDACTED]", "card_cvv": "[REDACTED]", "cvv2": "[REDACTED]"])
    }

    func testShortCardWordsMatchOnlyWholeWords() throws {
        let event = try normalize(#"{"account": "a", "scc": "b", "discard": "c", "span": "d", "accent": "e"}"#)
        XCTAssertEqual(event["labels"], ["account": "a", "scc": "b", "discard": "c", "span": "d", "accent": "e"])
        XCTAssertEqual(event.redactions, 0)
    }

    func testDeepValuesFlattenedToTextAreRedactedFirst() throws {
        let configuration = NormalizerConfiguration(maxAttributeDepth: 1)
        let event = try normalize(#"{"a": {"b": {"password": "x", "dsn": "postgres://u:pw@h/d", "n": "4111111111111111"}}}"#,
                                  configuration: configuration)
        XCTAssertEqual(event["attributes.a"], #"{"b":{"password":"[REDACTED]","dsn":"postgres://u:[REDACTED]@h/d","n":"411111******1111"}}"#)
    }
}
