import Foundation
import LogModel
@testable import Search
import XCTest

/// The script-free numeric comparison on keyword fields, checked by evaluating the compiled
/// Elasticsearch query (its `bool`/`regexp`/`range`/`term` subset) against numeric truth.
final class NumericKeywordTests: XCTestCase {
    func testNumericComparisonsOnStringLabelsFollowNumberOrder() throws {
        let values = ["0", "5", "9", "10", "60", "99", "100", "499", "499.5", "500", "502", "599", "600", "1000", "12345",
                      "-1", "-5", "-60", "-499", "-500", "-1000", "0.25", "abc", "", "007", "5xx"]
        let bounds = ["0", "9", "10", "60", "499", "499.5", "500", "1000", "-5", "-499", "-1000"]
        let compiler = ElasticsearchQueryCompiler(nowMicros: 0)
        for bound in bounds {
            for op in Comparison.allCases {
                let query = compiler.compile(try QueryParser.parse("status:\(op.rawValue)\(bound)"))
                for value in values {
                    let expected = NumericText.parse(value) != nil && op.holds(Double(value)!, Double(bound)!)
                    XCTAssertEqual(try Evaluator.matches(query, ["labels.status": value]), expected, "\(value) \(op.rawValue) \(bound)")
                }
            }
        }
    }

    /// The live tail's in-memory matcher agrees with numeric truth and with the text rules.
    func testTheInMemoryMatcherAgrees() throws {
        let values = ["0", "60", "499", "499.5", "500", "502", "1000", "-5", "-499", "abc", "007"]
        for bound in ["60", "499", "499.5", "-5"] {
            for op in Comparison.allCases {
                let matcher = QueryMatcher(try QueryParser.parse("status:\(op.rawValue)\(bound)"), nowMicros: 0)
                for value in values {
                    let expected = NumericText.parse(value) != nil && op.holds(Double(value)!, Double(bound)!)
                    XCTAssertEqual(matcher.matches(["labels": ["status": .string(value)]]), expected, "\(value) \(op.rawValue) \(bound)")
                }
            }
        }
        let doc: JSONValue = ["message": "Payment failed for shop 42", "log": ["level": "error"], "service": ["name": "billing"],
                              "labels": ["shop_id": "42"], "trace": ["id": "t1"]]
        let cases: [(String, Bool)] = [
            ("payment", true), ("\"payment failed\"", true), ("\"failed payment\"", false), ("pay*", true), ("ment", false),
            ("level:>=warning", true), ("level:<error", false), ("service:bill*", true), ("shop:42 -has:user.id", true),
            ("has:trace.id AND NOT service:auth", true), ("service:auth OR shop:7", false),
        ]
        for (query, expected) in cases {
            XCTAssertEqual(QueryMatcher(try QueryParser.parse(query), nowMicros: 0).matches(doc), expected, query)
        }
    }

    func testRangesAreNumericWhenBothEndsAreNumbers() throws {
        let compiler = ElasticsearchQueryCompiler(nowMicros: 0)
        let query = compiler.compile(try QueryParser.parse("status:[500 TO 599]"))
        let matching = ["60", "499", "500", "502", "599", "600", "5000"].filter { (try? Evaluator.matches(query, ["labels.status": $0])) == true }
        XCTAssertEqual(matching, ["500", "502", "599"])
        let exclusive = compiler.compile(try QueryParser.parse("status:{500 TO 599}"))
        XCTAssertEqual(["500", "502", "599"].filter { (try? Evaluator.matches(exclusive, ["labels.status": $0])) == true }, ["502"])
    }

    func testLevelsCompareBySeverity() throws {
        let compiler = ElasticsearchQueryCompiler(nowMicros: 0)
        let query = compiler.compile(try QueryParser.parse("level:>=warning"))
        let matching = Level.allCases.map(\.name).filter { (try? Evaluator.matches(query, ["log.level": $0])) == true }
        XCTAssertEqual(matching, ["warning", "error", "critical", "alert", "emergency"])
        let mongo = MongoFilterCompiler(nowMicros: 0).compile(try QueryParser.parse("level:<info"))
        XCTAssertEqual(mongo, ["log.level": ["$in": ["trace", "debug"]]])
    }

    func testRelativeTimesResolveAgainstOneNow() throws {
        let now = Timestamp.parse("2026-11-25T10:05:00Z")!
        let es = ElasticsearchQueryCompiler(nowMicros: now).compile(try QueryParser.parse("@timestamp:>now-1h"))
        XCTAssertEqual(es, ["range": ["@timestamp": ["gt": "2026-11-25T09:05:00.000Z"]]])
        let mongo = MongoFilterCompiler(nowMicros: now).compile(try QueryParser.parse("@timestamp:>now-1h"))
        XCTAssertEqual(mongo, ["@timestamp": ["$gt": ["$date": "2026-11-25T09:05:00.000Z"]]])
    }

    func testMongoTextMatchingUsesWordBoundaries() throws {
        XCTAssertEqual(MongoFilterCompiler.phrasePattern("payment failed"), "\\bpayment\\W+failed\\b")
        XCTAssertEqual(MongoFilterCompiler.prefixPattern("pay"), "\\bpay")
        let regex = try NSRegularExpression(pattern: MongoFilterCompiler.phrasePattern("card declined"), options: .caseInsensitive)
        for (text, expected) in [("Card declined for shop", true), ("card  declined", true), ("carddeclined", false), ("card declinedx", false)] {
            XCTAssertEqual(regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil, expected, text)
        }
    }
}

/// Evaluates the subset of the Elasticsearch query DSL the compiler emits for keyword fields.
enum Evaluator {
    struct Unsupported: Error { var query: String }

    static func matches(_ query: JSONValue, _ doc: [String: String]) throws -> Bool {
        guard case .object(let object) = query, let (kind, body) = object.members.first.map({ ($0.key, $0.value) }) else {
            throw Unsupported(query: query.jsonString)
        }
        switch kind {
        case "match_all": return true
        case "bool":
            if let filter = body["filter"]?.arrayValue { for q in filter where try !matches(q, doc) { return false } }
            if let mustNot = body["must_not"]?.arrayValue { for q in mustNot where try matches(q, doc) { return false } }
            if let should = body["should"]?.arrayValue {
                var any = false
                for q in should where try matches(q, doc) { any = true }
                if !any { return false }
            }
            return true
        case "term", "terms", "regexp", "range":
            guard case .object(let fields) = body, let member = fields.members.first else { throw Unsupported(query: query.jsonString) }
            guard let value = doc[member.key] else { return false }
            switch kind {
            case "term": return member.value.stringValue == value
            case "terms": return member.value.arrayValue?.contains(.string(value)) ?? false
            case "regexp":
                let pattern = "^(?:" + (member.value["value"]?.stringValue ?? "") + ")$"
                let regex = try NSRegularExpression(pattern: pattern)
                return regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
            default:
                guard case .object(let ops) = member.value else { throw Unsupported(query: query.jsonString) }
                for op in ops {
                    guard let bound = op.value.stringValue else { throw Unsupported(query: query.jsonString) }
                    // Keyword order is byte order.
                    let l = Array(value.utf8), r = Array(bound.utf8)
                    let holds: Bool
                    switch op.key {
                    case "gt": holds = l.lexicographicallyPrecedes(r) == false && l != r
                    case "gte": holds = !l.lexicographicallyPrecedes(r)
                    case "lt": holds = l.lexicographicallyPrecedes(r)
                    case "lte": holds = l.lexicographicallyPrecedes(r) || l == r
                    default: throw Unsupported(query: query.jsonString)
                    }
                    if !holds { return false }
                }
                return true
            }
        default:
            throw Unsupported(query: query.jsonString)
        }
    }
}
