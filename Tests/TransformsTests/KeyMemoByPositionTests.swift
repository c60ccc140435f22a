import LogModel
import Transforms
import XCTest

/// The request's memo keeps each top-level key's field role and label facts by position, and the
/// parser hands the next event the same key `String`s (``JSONKeyReuse``): events whose keys move,
/// change or repeat must come out as they do without either.
final class KeyMemoByPositionTests: XCTestCase {
    private static let members = [
        #""level":"warn""#, #""levelname":"ERROR""#, #""message":"m""#, #""msg":"other""#, #""service":"svc""#,
        #""trace_id":"t1""#, #""password":"hunter2""#, #""card_number":"4111111111111111""#, #""a.b":"dotted""#,
        #""é":"precomposed""#, #""e\u0301":"decomposed""#, #""e\u0301":"escaped""#, #""K":"ascii""#,
        #""\u212a":"kelvin""#, #""log":{"level":"debug","logger":"x"}"#, #""labels":{"k":"v","password":"p"}"#,
        #""attributes":{"n":{"m":1}}"#, #""user":{"id":7}"#, #""shop_id":12"#, #""status":200"#, #""x":null"#,
    ]

    func testEventsWithMovingKeysComeOutAsWithoutTheMemo() throws {
        var rng = XorShift(state: 77)
        let normalizer = EventNormalizer()
        let keys = JSONKeyReuse()
        let memo = LabelKeyMemo()
        var compared = 0
        for round in 0..<1500 {
            // Mostly the previous event's shape with a change or two, as a request's events are.
            var picked = (0..<Int.random(in: 1...9, using: &rng)).map { _ in Self.members.randomElement(using: &rng)! }
            if round % 3 == 0 { picked.shuffle(using: &rng) }
            let json = "{" + picked.joined(separator: ",") + "}"
            let shared = try Array(json.utf8).withUnsafeBytes { try JSONParser.parse($0, reusingKeys: keys) }
            let fresh = try JSONParser.parse(json)
            let context = testContext
            let want = Result { try normalizer.normalize(XCTUnwrap(fresh.objectValue), context: context) }
            let got = Result { try normalizer.normalize(XCTUnwrap(shared.objectValue), context: context, memo: memo) }
            switch (want, got) {
            case (.success(let want), .success(let got)):
                XCTAssertEqual(got.document.jsonString.replacingOccurrences(of: got.id, with: want.id), want.document.jsonString, json)
                XCTAssertEqual(got.redactions, want.redactions, json)
                XCTAssertEqual(got.overflowKeys, want.overflowKeys, json)
                compared += 1
            case (.failure(let want), .failure(let got)):
                XCTAssertEqual("\(got)", "\(want)", json)
            default:
                XCTFail("\(json): without the memo \(want), with it \(got)")
            }
        }
        XCTAssertGreaterThan(compared, 1000)
    }
}
