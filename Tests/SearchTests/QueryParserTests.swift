@testable import Search
import XCTest

final class QueryParserTests: XCTestCase {
    /// Queries and the trees they must parse to (aliases and `labels.` already resolved).
    func testQueriesParseToTheirTrees() throws {
        let table: [(String, QueryNode)] = [
            ("", .matchAll),
            ("   ", .matchAll),
            ("*", .matchAll),
            ("timeout", .word("timeout")),
            ("\"payment failed\"", .phrase("payment failed")),
            ("pay*", .wordPrefix("pay")),
            ("level:error", .field("log.level", .equals("error"))),
            ("level:WARN", .field("log.level", .equals("warning"))),
            ("service:billing", .field("service.name", .equals("billing"))),
            ("env:production", .field("service.environment", .equals("production"))),
            ("logger:billing.views", .field("log.logger", .equals("billing.views"))),
            ("host:core-web-3", .field("host.name", .equals("core-web-3"))),
            ("trace:4bf92f", .field("trace.id", .equals("4bf92f"))),
            ("request:r-9f2", .field("http.request.id", .equals("r-9f2"))),
            ("shop:42", .field("labels.shop_id", .equals("42"))),
            ("user:u1", .field("user.id", .equals("u1"))),
            ("id:01936f3e", .field("event.id", .equals("01936f3e"))),
            ("error:ValueError", .field("error.type", .equals("ValueError"))),
            ("status:502", .field("labels.status", .equals("502"))),
            ("labels.order_id:A-17", .field("labels.order_id", .equals("A-17"))),
            ("attributes.order.items:3", .field("attributes.order.items", .equals("3"))),
            ("service.name:\"a b\"", .field("service.name", .equals("a b"))),
            ("service:pay*", .field("service.name", .prefix("pay"))),
            ("message:\"card declined\"", .field("message", .equals("card declined"))),
            ("level:>=warning", .field("log.level", .compare(.greaterOrEqual, "warning"))),
            ("status:>499", .field("labels.status", .compare(.greater, "499"))),
            ("status:<=10", .field("labels.status", .compare(.lessOrEqual, "10"))),
            ("status:[500 TO 599]", .field("labels.status", .range(lower: RangeBound("500", inclusive: true), upper: RangeBound("599", inclusive: true)))),
            ("status:{500 TO *]", .field("labels.status", .range(lower: RangeBound("500", inclusive: false), upper: nil))),
            ("@timestamp:>now-1h", .field("@timestamp", .compare(.greater, "now-1h"))),
            ("@timestamp:[2026-11-25T10:00:00Z TO 2026-11-25T10:10:00Z]",
             .field("@timestamp", .range(lower: RangeBound("2026-11-25T10:00:00Z", inclusive: true), upper: RangeBound("2026-11-25T10:10:00Z", inclusive: true)))),
            ("has:trace.id", .exists("trace.id")),
            ("has:shop", .exists("labels.shop_id")),
            ("a b", .and([.word("a"), .word("b")])),
            ("a AND b", .and([.word("a"), .word("b")])),
            ("a OR b", .or([.word("a"), .word("b")])),
            ("a b OR c", .or([.and([.word("a"), .word("b")]), .word("c")])),
            ("a (b OR c)", .and([.word("a"), .or([.word("b"), .word("c")])])),
            ("NOT a", .not(.word("a"))),
            ("-level:debug", .not(.field("log.level", .equals("debug")))),
            ("a -b", .and([.word("a"), .not(.word("b"))])),
            ("NOT (a OR b)", .not(.or([.word("a"), .word("b")]))),
            ("ORDER", .word("ORDER")),
            ("and or", .and([.word("and"), .word("or")])),
            ("shop:42 level:>=error \"card declined\"",
             .and([.field("labels.shop_id", .equals("42")), .field("log.level", .compare(.greaterOrEqual, "error")), .phrase("card declined")])),
            ("message:\"say \\\"hi\\\"\"", .field("message", .equals("say \"hi\""))),
        ]
        for (query, expected) in table {
            XCTAssertEqual(try QueryParser.parse(query), expected, "query: \(query)")
        }
    }

    /// Bad queries and the 1-based column each error names.
    func testBadQueriesReportWhereAndWhy() {
        let table: [(String, Int, String)] = [
            ("service:", 9, "expected a value after 'service:'"),
            ("level:error service:", 21, "expected a value after 'service:'"),
            ("*pay", 1, "leading wildcards"),
            ("message:*fail", 9, "leading wildcards"),
            ("pa*y", 3, "trailing"),
            ("(a OR b", 8, "expected ')' to close the '(' at position 1"),
            ("a)", 2, "unexpected ')'"),
            ("a OR", 5, "expected a term after 'OR'"),
            ("AND a", 1, "needs a term on each side"),
            ("NOT", 4, "expected a term after 'NOT'"),
            ("\"open phrase", 1, "unterminated quote"),
            ("level:loud", 7, "unknown level 'loud'"),
            ("level:>=loud", 9, "unknown level"),
            ("status:[1 500]", 11, "expected 'TO'"),
            ("status:[1 TO 5", 15, "expected ']' or '}'"),
            ("@timestamp:>yesterday", 13, "is not a time"),
            ("message:>5", 10, "holds text"),
            ("event.dropped_keys:many", 20, "holds numbers"),
            (":x", 1, "expected a field name"),
            ("- a", 2, "expected a term right after '-'"),
            ("()", 2, "expected a term inside"),
            ("has:", 5, "expected a value after 'has:'"),
        ]
        for (query, position, reason) in table {
            XCTAssertThrowsError(try QueryParser.parse(query), "query: \(query)") { error in
                guard let error = error as? QueryError else { return XCTFail("not a QueryError: \(error)") }
                XCTAssertEqual(error.position, position, "query: \(query) -> \(error)")
                XCTAssertTrue(error.reason.contains(reason), "query: \(query) -> \(error)")
            }
        }
    }

    func testDeepNestingAndLongQueriesAreRefusedNotCrashing() {
        let deep = String(repeating: "(", count: 500) + "a" + String(repeating: ")", count: 500)
        XCTAssertThrowsError(try QueryParser.parse(deep))
        XCTAssertThrowsError(try QueryParser.parse(String(repeating: "a ", count: 3000)))
    }

    /// Print a random tree, parse the text again: the same tree (over many seeded random trees).
    func testPrintingThenParsingGivesTheSameTree() throws {
        var generator = SeededGenerator(seed: 0x5EA_12C4)
        for round in 0..<2000 {
            let node = RandomQuery.node(depth: 3, using: &generator)
            let text = QueryPrinter.print(node)
            let reparsed: QueryNode
            do { reparsed = try QueryParser.parse(text) } catch {
                return XCTFail("round \(round): \(text) does not parse: \(error)")
            }
            XCTAssertEqual(reparsed, node, "round \(round): \(text)")
        }
    }
}

/// SplitMix64: a repeatable generator, so a failing round can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random trees in the parser's canonical form (what it produces: resolved fields, normalised levels).
enum RandomQuery {
    static let words = ["timeout", "pay", "A-17", "café", "x1", "_id", "502", "a.b", "ORDER", "to", "né:"]
    static let values = ["42", "a b", "say \"hi\"", "back\\slash", "-5", ">x", "[x]", "TO", "*", "AND", "ünï", "2026-11-25T10:05:00Z", ""]
    static let fields = ["service.name", "labels.status", "labels.shop_id", "attributes.order.items", "trace.id", "host.name", "message"]

    static func node<G: RandomNumberGenerator>(depth: Int, using g: inout G) -> QueryNode {
        let leafOnly = depth == 0
        switch Int.random(in: 0..<(leafOnly ? 6 : 9), using: &g) {
        case 0: return .word(bareWord(&g))
        case 1: return .wordPrefix(bareWord(&g))
        case 2: return .phrase(["payment failed", "say \"hi\"", "a\\b", " x "].randomElement(using: &g)!)
        case 3: return .exists(fields.randomElement(using: &g)!)
        case 4: return leaf(&g)
        case 5: return .field("log.level", levelPredicate(&g))
        case 6: return .and((0..<Int.random(in: 2...3, using: &g)).map { _ in node(depth: depth - 1, using: &g) })
        case 7: return .or((0..<Int.random(in: 2...3, using: &g)).map { _ in node(depth: depth - 1, using: &g) })
        default: return .not(node(depth: depth - 1, using: &g))
        }
    }

    static func bareWord<G: RandomNumberGenerator>(_ g: inout G) -> String {
        var w = words.randomElement(using: &g)!
        if w.contains(":") { w = "plain" }
        return w
    }

    static func leaf<G: RandomNumberGenerator>(_ g: inout G) -> QueryNode {
        var field = fields.randomElement(using: &g)!
        let value = values.randomElement(using: &g)!
        switch Int.random(in: 0..<4, using: &g) {
        case 0: return .field(field, .equals(value))
        case 1: return .field(field, .prefix(bareWord(&g)))
        case 2:
            if field == "message" { field = "labels.status" }
            return .field(field, .compare(Comparison.allCases.randomElement(using: &g)!, value == "" ? "1" : value))
        default:
            if field == "message" { field = "labels.status" }
            let lower = Bool.random(using: &g) ? RangeBound(value, inclusive: Bool.random(using: &g)) : nil
            let upper = Bool.random(using: &g) ? RangeBound(values.randomElement(using: &g)!, inclusive: Bool.random(using: &g)) : nil
            return .field(field, .range(lower: lower, upper: upper))
        }
    }

    static func levelPredicate<G: RandomNumberGenerator>(_ g: inout G) -> FieldPredicate {
        let level = ["trace", "info", "warning", "error", "emergency"].randomElement(using: &g)!
        return Bool.random(using: &g) ? .equals(level) : .compare(Comparison.allCases.randomElement(using: &g)!, level)
    }
}
