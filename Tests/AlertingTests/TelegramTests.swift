import Alerting
import LogModel
import XCTest

final class TelegramTests: XCTestCase {
    func testEscapingEveryValue() {
        XCTAssertEqual(TelegramHTML.escape("<b>&amp;</b> \"x\""), "&lt;b&gt;&amp;amp;&lt;/b&gt; \"x\"")
        XCTAssertEqual(TelegramHTML.escape("a\"b", attribute: true), "a&quot;b")
        let message = TelegramAlertMessage(
            level: "error", service: "<svc>", environment: "p&d", count: 3, firstSeen: 0, lastSeen: 1000,
            errorType: "Err<T>", message: "x < y && y > z", stackTrace: nil, searchURL: "https://hub/search?q=a&b=\"c\"")
        let html = message.render()
        XCTAssertTrue(html.contains("&lt;svc&gt; / p&amp;d"))
        XCTAssertTrue(html.contains("<b>Err&lt;T&gt;</b>"))
        XCTAssertTrue(html.contains("x &lt; y &amp;&amp; y &gt; z"))
        XCTAssertTrue(html.contains("href=\"https://hub/search?q=a&amp;b=&quot;c&quot;\""))
        XCTAssertEqual(Self.tagsBalanced(html), true)
    }

    func testTwentyKilobyteStackStaysUnder4096AfterEntityParsing() {
        let line = "  File \"app/<views>.py\", line 12, in handler & <more>\n    x = a < b\n"
        let stack = String(repeating: line, count: 20_000 / line.count + 1) + "ValueError: <bad> & worse"
        let message = TelegramAlertMessage(
            level: "critical", service: "billing", environment: "production", count: 1, firstSeen: 0, lastSeen: 0,
            errorType: "ValueError", message: String(repeating: "<&>", count: 2000), stackTrace: stack, searchURL: "https://hub/search")
        let html = message.render()
        let plain = Self.entityParsed(html)
        XCTAssertLessThanOrEqual(plain.utf16.count, 4096)
        XCTAssertTrue(plain.hasSuffix("ValueError: <bad> & worse"), "the stack's tail is kept")
        XCTAssertEqual(Self.tagsBalanced(html), true)
        XCTAssertFalse(html.contains("&am…"), "never cut inside an entity")
    }

    func testPlainTextFallback() {
        XCTAssertEqual(TelegramHTML.plainText("<b>a &lt;b&gt; &amp; \"c\"</b> &copy; <a href=\"x\">link</a>"), "a <b> & \"c\" &copy; link")
    }

    func testCutKeepsSurrogatePairsWhole() {
        let cut = TelegramHTML.cut(String(repeating: "😀", count: 10), limit: 6)
        XCTAssertLessThanOrEqual(cut.utf16.count, 6)
        XCTAssertEqual(cut, "😀😀…")
    }

    func testRepliesClassified() {
        func reply(_ status: Int, _ body: String) -> TelegramReply { TelegramReply.parse(status: status, body: Array(body.utf8)) }
        XCTAssertEqual(reply(200, #"{"ok":true,"result":{"message_id":5531}}"#), .ok(messageID: 5531))
        XCTAssertEqual(reply(429, #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 35","parameters":{"retry_after":35}}"#),
                       .retryAfter(seconds: 35))
        XCTAssertEqual(reply(400, #"{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001}}"#),
                       .migrated(to: -1001))
        XCTAssertEqual(reply(403, #"{"ok":false,"error_code":403,"description":"Forbidden: bot was kicked"}"#), .forbidden("Forbidden: bot was kicked"))
        XCTAssertEqual(reply(400, #"{"ok":false,"error_code":400,"description":"Bad Request: message is not modified"}"#), .notModified)
        XCTAssertEqual(reply(502, "<html>"), .transient("HTTP 502"))
    }

    /// The text as Telegram counts it: tags removed, entities one character.
    static func entityParsed(_ html: String) -> String {
        var out = ""
        var i = html.startIndex
        while i < html.endIndex {
            let c = html[i]
            if c == "<", let close = html[i...].firstIndex(of: ">") {
                i = html.index(after: close)
                continue
            }
            if c == "&", let semi = html[i...].firstIndex(of: ";") {
                switch html[i...semi] {
                case "&lt;": out += "<"
                case "&gt;": out += ">"
                case "&amp;": out += "&"
                case "&quot;": out += "\""
                default: XCTFail("unknown entity \(html[i...semi])")
                }
                i = html.index(after: semi)
                continue
            }
            out.append(c)
            i = html.index(after: i)
        }
        return out
    }

    static func tagsBalanced(_ html: String) -> Bool {
        var stack: [String] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return false }
            let tag = rest[rest.index(after: open)..<close]
            if tag.hasPrefix("/") {
                guard stack.popLast() == String(tag.dropFirst()) else { return false }
            } else {
                stack.append(String(tag.split(separator: " ").first ?? ""))
            }
            rest = rest[rest.index(after: close)...]
        }
        return stack.isEmpty
    }
}
