import Operations
import XCTest

final class MoneyTests: XCTestCase {
    func testPointOnePlusPointTwoIsExactlyPointThree() throws {
        let a = try XCTUnwrap(DecimalNumber("0.1")), b = try XCTUnwrap(DecimalNumber("0.2"))
        let sum = try XCTUnwrap(a.adding(b))
        XCTAssertEqual(sum, DecimalNumber("0.3"))
        XCTAssertEqual(sum.description, "0.3")
        XCTAssertNotEqual(sum, DecimalNumber("0.30000000000000004"))
    }

    func testAmountsAreKeptWithTheCurrencysDecimals() throws {
        let money = try Money.parse(amount: "1234.5", currency: "RUB").get()
        XCTAssertEqual(money.description, "1234.50 RUB")
        XCTAssertEqual(try Money.parse(amount: "100", currency: "JPY").get().description, "100 JPY")
        XCTAssertEqual(try Money.parse(amount: "1.125", currency: "KWD").get().description, "1.125 KWD")
        XCTAssertEqual(try Money.parse(amount: "10.10", currency: "RUB").get(), try Money.parse(amount: "10.1", currency: "RUB").get())
    }

    func testNegativeIsRefusedUnlessTheParameterIsSigned() throws {
        XCTAssertEqual(Money.parse(amount: "-5.00", currency: "RUB").failure, .negative("-5.00"))
        XCTAssertEqual(try Money.parse(amount: "-5.00", currency: "RUB", allowNegative: true).get().description, "-5.00 RUB")
        XCTAssertEqual(Money.parse(amount: "0", currency: "RUB").failure, .zero)
    }

    func testTooManyDecimalsForTheCurrencyIsRefused() {
        XCTAssertEqual(Money.parse(amount: "1.001", currency: "RUB").failure, .tooManyDecimals("1.001", currency: "RUB", allowed: 2))
        XCTAssertEqual(Money.parse(amount: "1.5", currency: "JPY").failure, .tooManyDecimals("1.5", currency: "JPY", allowed: 0))
        // Trailing zeros are not extra precision.
        XCTAssertNotNil(try? Money.parse(amount: "1.500", currency: "RUB").get())
    }

    func testUnknownCurrencyIsRefused() {
        XCTAssertEqual(Money.parse(amount: "1.00", currency: "RUR").failure, .unknownCurrency("RUR"))
        XCTAssertEqual(Money.parse(amount: "1.00", currency: "rub").failure, .unknownCurrency("rub"))
        XCTAssertEqual(Money.parse(amount: "1.00", currency: "").failure, .unknownCurrency(""))
    }

    func testOnlyPlainDecimalTextIsAnAmount() {
        for text in ["", "-", "1e3", "+1", " 1", "1,000.00", "1.", ".5", "0x10", "1.2.3", "NaN", "１２"] {
            XCTAssertNil(DecimalNumber(text), text)
            XCTAssertEqual(Money.parse(amount: text, currency: "RUB").failure, .notADecimal(text), text)
        }
        XCTAssertNil(DecimalNumber("1234567890123456789"), "19 digits do not fit exactly")
        XCTAssertNotNil(DecimalNumber("123456789012345678"))
    }

    func testComparisonIgnoresScaleAndDoesNotOverflow() throws {
        XCTAssertTrue(try XCTUnwrap(DecimalNumber("50000.01")) > XCTUnwrap(DecimalNumber("50000")))
        XCTAssertFalse(try XCTUnwrap(DecimalNumber("50000.00")) > XCTUnwrap(DecimalNumber("50000")))
        XCTAssertTrue(try XCTUnwrap(DecimalNumber("-0.5")) < XCTUnwrap(DecimalNumber("0.25")))
        XCTAssertTrue(try XCTUnwrap(DecimalNumber("900000000000000000")) > XCTUnwrap(DecimalNumber("0.000000000000000001")))
        XCTAssertEqual(DecimalNumber("-0.05")?.description, "-0.05")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
