import LogModel
import Operations
import XCTest

final class CatalogTests: XCTestCase {
    func testTheDefaultCatalogIsValidAndHasTheDocumentedNames() {
        XCTAssertEqual(CatalogValidator().problems(DefaultCatalog.catalog), [])
        XCTAssertEqual(DefaultCatalog.catalog.map(\.name),
                       ["shop_lookup", "shop_movements", "top_up", "correct_balance", "refund", "block_shop", "unblock_shop", "system_operation"])
        let params = Dictionary(uniqueKeysWithValues: DefaultCatalog.catalog.map { ($0.name, $0.parameters.map(\.name)) })
        XCTAssertEqual(params["top_up"], ["shop_id", "amount", "currency", "reason"])
        XCTAssertEqual(params["refund"], ["payment_id", "amount", "currency", "reason"])
        XCTAssertEqual(params["system_operation"], ["operation", "arguments"])
    }

    func testTheCatalogRoundTripsThroughItsJSON() {
        let (decoded, problems) = CatalogCoding.decode(CatalogCoding.encode(DefaultCatalog.catalog))
        XCTAssertEqual(problems, [])
        XCTAssertEqual(decoded, DefaultCatalog.catalog)
    }

    func testValidationErrorsNameTheirPaths() throws {
        let text = """
        [{"name":"Top Up","title":"","method":"PUT","path":"/internal/v1/shops/{shop}/x","permission":"operations.everything",
          "approval":{"kind":"above","amount":"5.001","currency":"RUB"},"confirmation":"{nope}",
          "parameters":[{"name":"shop_id","type":"string","in":"path","pattern":"[a-"},
                        {"name":"amount","type":"money","currency_parameter":"cur"},
                        {"name":"n","type":"integer","minimum":"10","maximum":"2"},
                        {"name":"kind","type":"enum","values":[]},
                        {"name":"x","type":"float"}]},
         {"name":"a","title":"A","method":"GET","path":"/a","approval":"always","parameters":[]},
         {"name":"a","title":"A","path":"/a"}]
        """
        let (catalog, decodeProblems) = CatalogCoding.decode(try JSONParser.parse(text))
        let all = (decodeProblems + CatalogValidator().problems(catalog)).map(\.path)
        for expected in ["operations.catalog[0].method", "operations.catalog[0].approval.amount", "operations.catalog[0].parameters[4].type",
                         "operations.catalog[0].name", "operations.catalog[0].title", "operations.catalog[0].permission",
                         "operations.catalog[0].path", "operations.catalog[0].confirmation",
                         "operations.catalog[0].parameters[0].pattern", "operations.catalog[0].parameters[1].currency_parameter",
                         "operations.catalog[0].parameters[2].minimum", "operations.catalog[0].parameters[3].values",
                         "operations.catalog[1].approval", "operations.catalog[2].name"] {
            XCTAssertTrue(all.contains(expected), "no problem reported at \(expected); got \(all)")
        }
        XCTAssertEqual(CatalogValidator().problems([]).map(\.path), ["operations.catalog"])
    }

    func testARequestIsValidatedAndNormalised() throws {
        let topUp = try XCTUnwrap(DefaultCatalog.catalog.first { $0.name == "top_up" })
        let ok = try ValidatedRequest.validate(topUp, ["shop_id": "shop-1", "amount": "100.5", "currency": "RUB", "reason": "goodwill"]).get()
        XCTAssertEqual(ok.parameters["amount"], "100.50")
        XCTAssertEqual(ok.coreRequest.pathAndQuery, "/internal/v1/shops/shop-1/top-ups")
        XCTAssertEqual(ok.coreRequest.body?.jsonString, #"{"amount":"100.50","currency":"RUB","reason":"goodwill"}"#)
        XCTAssertEqual(ok.confirmation, "Top up shop shop-1 by 100.50 RUB: goodwill")
        XCTAssertFalse(topUp.approval.requiresApproval(amount: ok.money))

        let big = try ValidatedRequest.validate(topUp, ["shop_id": "s", "amount": "50000.01", "currency": "RUB", "reason": "big one"]).get()
        XCTAssertTrue(topUp.approval.requiresApproval(amount: big.money))
        let exact = try ValidatedRequest.validate(topUp, ["shop_id": "s", "amount": "50000.00", "currency": "RUB", "reason": "at limit"]).get()
        XCTAssertFalse(topUp.approval.requiresApproval(amount: exact.money), "the threshold is 'above', not 'at'")

        let bad = ValidatedRequest.validate(topUp, ["shop_id": "../x", "amount": .double(1.5), "currency": "XXX", "extra": "1"])
        let problems = try XCTUnwrap(bad.failure).problems
        XCTAssertEqual(Set(problems.map(\.parameter)), ["shop_id", "amount", "currency", "reason", "extra"])
        XCTAssertEqual(problems.first { $0.parameter == "amount" }?.code, "invalid_type")

        let correction = try XCTUnwrap(DefaultCatalog.catalog.first { $0.name == "correct_balance" })
        let negative = try ValidatedRequest.validate(correction, ["shop_id": "s", "amount": "-10", "currency": "RUB", "reason": "double charge"]).get()
        XCTAssertEqual(negative.parameters["amount"], "-10.00")
        XCTAssertTrue(correction.approval.requiresApproval(amount: negative.money))
    }

    func testLookupsPutLimitsInTheQueryAndEscapeIDs() throws {
        let movements = try XCTUnwrap(DefaultCatalog.catalog.first { $0.name == "shop_movements" })
        let plan = try ValidatedRequest.validate(movements, ["shop_id": "a_b-1", "limit": 20]).get().coreRequest
        XCTAssertEqual(plan.method, "GET")
        XCTAssertEqual(plan.pathAndQuery, "/internal/v1/shops/a_b-1/movements?limit=20")
        XCTAssertNil(plan.body)
        XCTAssertEqual(CoreRequestPlan.percentEncoded("a b/ü"), "a%20b%2F%C3%BC")
    }
}
