import LogModel
import XCTest

/// The parser's repeated-key check (one bit per key, then a comparison on a shared bit) against a
/// model, and its reuse of the previous event's keys (``JSONKeyReuse``) against a plain parse.
final class JSONKeyReuseTests: XCTestCase {
    /// Keys as written in JSON, chosen so that repeats, shared bits, escapes, non-ASCII and long
    /// keys all come up; `decoded` is what each stands for.
    private static let keys: [(json: String, decoded: String)] = [
        ("a", "a"), ("b", "b"), ("ab", "ab"), ("ba", "ba"), ("aa", "aa"), ("a\\u0062", "ab"), ("\\u0061b", "ab"),
        ("é", "é"), ("e\u{301}", "e\u{301}"), ("k1", "k1"), ("k10", "k10"), ("k01", "k01"), ("", ""),
        ("level", "level"), ("message", "message"), ("http.request.id", "http.request.id"),
        (String(repeating: "long", count: 13), String(repeating: "long", count: 13)),
        (String(repeating: "long", count: 13) + "!", String(repeating: "long", count: 13) + "!"),
    ] + (0..<40).map { ("k\($0)_", "k\($0)_") }  // enough distinct keys to pass 32 members

    private func object(_ rng: inout SeededGenerator, maxMembers: Int) -> (json: String, model: [(String, Int)]) {
        var json = "{"
        var model: [(String, Int)] = []
        for i in 0..<Int.random(in: 0...maxMembers, using: &rng) {
            let key = Self.keys.randomElement(using: &rng)!
            json += (i > 0 ? "," : "") + "\"\(key.json)\":\(i)"
            // A repeated key keeps its first position and takes the last value.
            if let j = model.firstIndex(where: { Array($0.0.utf8) == Array(key.decoded.utf8) }) {
                model[j].1 = i
            } else {
                model.append((key.decoded, i))
            }
        }
        return (json + "}", model)
    }

    private func members(_ value: JSONValue) -> [(String, Int64)] {
        value.objectValue?.members.map { ($0.key, $0.value.int64Value ?? -1) } ?? []
    }

    func testRepeatedKeysFollowTheModelByBytes() throws {
        var rng = SeededGenerator(seed: 13)
        var largeObjects = 0
        defer { XCTAssertGreaterThan(largeObjects, 100, "objects past the linear check's limit") }
        for _ in 0..<3000 {
            let (json, model) = object(&rng, maxMembers: 70)  // past 32 members the parser uses a dictionary
            if model.count > 32 { largeObjects += 1 }
            let got = members(try JSONParser.parse(json))
            XCTAssertEqual(got.map { Array($0.0.utf8) }, model.map { Array($0.0.utf8) }, json)
            XCTAssertEqual(got.map(\.1), model.map { Int64($0.1) }, json)
        }
    }

    func testReusedKeysGiveWhatAPlainParseGives() throws {
        var rng = SeededGenerator(seed: 2026)
        let reuse = JSONKeyReuse()
        var reusedEvents = 0
        for round in 0..<2000 {
            var (json, _) = object(&rng, maxMembers: 40)
            switch round % 7 {
            case 0: json = "{\"nested\":" + json + ",\"a\":[" + json + "]}"  // nested keys are not reused
            case 1: json = String(json.dropLast(2))  // a broken event between good ones
            case 2: json = "[" + json + "]"
            default: break
            }
            let plain: Result<JSONValue, any Error> = Result { try JSONParser.parse(Array(json.utf8)) }
            let reused: Result<JSONValue, any Error> = Result {
                try Array(json.utf8).withUnsafeBytes { try JSONParser.parse($0, reusingKeys: reuse) }
            }
            switch (plain, reused) {
            case (.success(let want), .success(let got)):
                XCTAssertEqual(got, want, json)
                reusedEvents += 1
            case (.failure(let want as JSONParseError), .failure(let got as JSONParseError)):
                XCTAssertEqual(got.code, want.code, json)
                XCTAssertEqual(got.offset, want.offset, json)
            default:
                XCTFail("\(json): plain \(plain), with reuse \(reused)")
            }
        }
        XCTAssertGreaterThan(reusedEvents, 1000)
    }

    func testAKeyIsReusedOnlyWhenItsBytesAreTheSame() throws {
        let reuse = JSONKeyReuse()
        let events = [#"{"level":1,"ab":2}"#, #"{"level":1,"ab":2}"#, #"{"level":1,"ac":2}"#, #"{"lever":1,"a\u0062":2}"#,
                      #"{"levé":1}"#, #"{"leve\u0301":1}"#]
        for event in events {
            let got = try Array(event.utf8).withUnsafeBytes { try JSONParser.parse($0, reusingKeys: reuse) }
            XCTAssertEqual(got.objectValue?.keys.map { Array($0.utf8) }, try JSONParser.parse(event).objectValue?.keys.map { Array($0.utf8) },
                           event)
        }
    }
}
