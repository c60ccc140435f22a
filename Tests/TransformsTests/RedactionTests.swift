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

    func testCardNumbersInLabelsAreNotTouchedButSecretKeysAre() throws {
        let event = try normalize(#"{"note": "4111111111111111", "card_number": "4111111111111111"}"#)
        XCTAssertEqual(event["labels.note"], "4111111111111111")
        XCTAssertEqual(event["labels.card_number"], "[REDACTED]")
    }
}
