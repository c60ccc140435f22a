import Foundation
import LogModel
@testable import Search
import XCTest

/// The byte check that rules texts out before the regular expression (`ASCIIWordCheck`) must never
/// change a result: every pair of query and message is matched with and without it.
final class TextMatchCheckTests: XCTestCase {
    let queries = ["\"signed in\"", "signed", "timeout", "time*", "message:\"Card declined\"", "message:decl*",
                   "NOT \"signed in\"", "error.message:refused", "\"user_id 42\"", "Straße", "kelvin", "sign"]
    let messages = ["user signed in", "User SIGNED   In from 10.0.0.1", "signed-in", "signedin", "resigned in",
                    "gateway timeout after 30s", "Timeouts: 3", "TIME-OUT", "card declined by issuer", "CARD DECLINED",
                    "connection refused", "user_id 42 logged out", "USER_ID-42", "straße gesperrt", "STRASSE",
                    "ſigned in", "\u{212A}elvin reading", "KELVIN", "signé in", "", "in signed", "sig ned in"]

    func testTheCheckNeverChangesAMatch() throws {
        for query in queries {
            let node = try QueryParser.parse(query)
            let matcher = QueryMatcher(node, nowMicros: 0)
            for message in messages {
                let document = JSONValue.object(JSONObject([.init("message", .string(message)),
                                                            .init("error", .object(JSONObject([.init("message", .string(message))])))]))
                XCTAssertEqual(matcher.matches(document), Self.regexOnly(node, message), "\(query) on \(message)")
            }
        }
    }

    func testRulesOutOnlyASCIITextsLackingAWord() throws {
        let check = try XCTUnwrap(ASCIIWordCheck(["signed", "in"]))
        XCTAssertTrue(check.rulesOut("user logged out"))
        XCTAssertTrue(check.rulesOut("user signed out"))
        XCTAssertFalse(check.rulesOut("User SIGNED In"))
        XCTAssertFalse(check.rulesOut("ſigned in"), "non-ASCII text is left to the regular expression")
        XCTAssertNil(ASCIIWordCheck(["straße"]), "non-ASCII words are left to the regular expression")
        XCTAssertNil(ASCIIWordCheck([]))
    }

    /// The expected result: the regular expressions alone, on the fields the query names.
    static func regexOnly(_ node: QueryNode, _ message: String) -> Bool {
        func search(_ pattern: String) -> Bool {
            let regex = try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
            return regex.firstMatch(in: message, range: NSRange(message.startIndex..., in: message)) != nil
        }
        switch node {
        case .word(let w), .phrase(let w): return search(MongoFilterCompiler.phrasePattern(w))
        case .wordPrefix(let w): return search(MongoFilterCompiler.prefixPattern(w))
        case .field(_, .equals(let v)): return search(MongoFilterCompiler.phrasePattern(v))
        case .field(_, .prefix(let v)): return search(MongoFilterCompiler.prefixPattern(v))
        case .not(let inner): return !regexOnly(inner, message)
        default: XCTFail("unexpected query \(node)"); return false
        }
    }
}
