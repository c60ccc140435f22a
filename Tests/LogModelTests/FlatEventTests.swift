import LogModel
import XCTest

/// ``JSONParser/readFlat(_:reusingKeys:into:)``: an event of scalars is read in place, anything else
/// is left to the parser, and what it reads is what the parser would have built.
final class FlatEventTests: XCTestCase {
    private func read(_ json: String, keys: JSONKeyReuse? = nil) -> [JSONObject.Member]? {
        var members: [FlatMember] = []
        let bytes = Array(json.utf8)
        return bytes.withUnsafeBufferPointer { bytes in
            guard JSONParser.readFlat(bytes, reusingKeys: keys, into: &members) else { return nil }
            let event = FlatEvent(bytes: bytes, members: members)
            return members.indices.map { JSONObject.Member(members[$0].key, event.value(at: $0)) }
        }
    }

    func testAnEventOfScalarsIsReadInPlace() throws {
        let json = #" {"@timestamp": "2026-12-04T13:41:49.507Z", "level":"info", "n": -12, "big": -9223372036854775808, "ok": true, "no": false, "é": "naïve ✓", "k\u0065y": "", "z": 0 } "#
        let members = try XCTUnwrap(read(json))
        XCTAssertEqual(JSONObject(members), try JSONParser.parse(json).objectValue)
        XCTAssertEqual(members.map(\.key), ["@timestamp", "level", "n", "big", "ok", "no", "é", "key", "z"])
        XCTAssertEqual(read("{}")?.count, 0)
    }

    func testEverythingElseIsLeftToTheParser() {
        for json in [
            #"{"a":null}"#, #"{"a":{"b":1}}"#, #"{"a":[1]}"#, #"{"a":1.5}"#, #"{"a":1e3}"#, #"{"a":9223372036854775808}"#,
            #"{"a":"line\nbreak"}"#, #"{"a":"\u00e9"}"#, #"{"a":1,"a":2}"#, #"{"a":1} x"#, #"[1]"#, #""s""#, "",
            #"{"a":"unterminated}"#, "{\"a\":\"bad \u{01} control\"}", #"{"a":01}"#, #"{"a":tru}"#, #"{"a":1,}"#,
            #"{"a" 1}"#, #"{a:1}"#,
        ] {
            XCTAssertNil(read(json), json)
        }
        // Bad UTF-8 in a value.
        var members: [FlatMember] = []
        let bad: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        XCTAssertFalse(bad.withUnsafeBufferPointer { JSONParser.readFlat($0, into: &members) })
    }

    /// Keys sharing a bit (``JSONParserState/keyBit(_:)``) are compared: only a real repeat is refused.
    func testManyDistinctKeysAreNotTakenForRepeats() throws {
        let json = "{" + (0..<60).map { #""key\#($0)":\#($0)"# }.joined(separator: ",") + "}"
        XCTAssertEqual(try XCTUnwrap(read(json)).count, 60)
    }

    /// Mutated events: whatever is read flat, the parser reads the same (and the reused keys are right).
    func testWhatIsReadFlatIsWhatTheParserReads() throws {
        var rng = SeededGenerator(seed: 13)
        let keys = JSONKeyReuse()
        let base = Array(#"{"@timestamp":"2026-12-04T13:41:49.507Z","level":"info","message":"payment 82070 settled","shop_id":913,"ok":true}"#.utf8)
        let alphabet = Array(#"{}[]":,\ 0123456789-.eEtruefalsn"#.utf8) + [0xC3, 0xA9, 0x80, 0x01]
        var flat = 0
        for _ in 0..<20_000 {
            var bytes = base
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = alphabet.randomElement(using: &rng)!
                case 1: bytes.insert(alphabet.randomElement(using: &rng)!, at: at)
                default: bytes.remove(at: at)
                }
            }
            var members: [FlatMember] = []
            let got: JSONObject? = bytes.withUnsafeBufferPointer { buffer in
                guard JSONParser.readFlat(buffer, reusingKeys: keys, into: &members) else { return nil }
                let event = FlatEvent(bytes: buffer, members: members)
                return JSONObject(members.indices.map { JSONObject.Member(members[$0].key, event.value(at: $0)) })
            }
            guard let got else { continue }
            flat += 1
            let text = String(decoding: bytes, as: UTF8.self)
            XCTAssertEqual(got, try JSONParser.parse(bytes).objectValue, text)
            for (member, parsed) in zip(got.members, try JSONParser.parse(bytes).objectValue?.members ?? []) {
                XCTAssertTrue(member.key.utf8.elementsEqual(parsed.key.utf8), text)
            }
        }
        XCTAssertGreaterThan(flat, 2000)
    }
}
