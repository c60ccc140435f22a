import LogModel
import XCTest

/// A parse keeping some top-level members gives the full parse without the others, however awkward
/// the values passed over are.
final class JSONMemberSelectionTests: XCTestCase {
    private func parse(_ json: String, keeping names: [String]?) throws -> JSONValue {
        var json = json
        let selection = names.map { JSONMemberSelection($0)! }
        return try json.withUTF8 { try JSONParser.parse(UnsafeRawBufferPointer($0), keeping: selection) }
    }

    /// The selected parse holds every wanted member of the full parse, and nothing the full parse does
    /// not hold as it is (a key sharing a wanted name's bit may be kept too: that only costs its parse).
    private func assertSelected(_ json: String, keeping kept: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        guard case .object(let all) = try JSONParser.parse(json), case .object(let some) = try parse(json, keeping: kept) else {
            return XCTFail("not objects: \(json)", file: file, line: line)
        }
        let expected = all.members.filter { kept.contains($0.key) || some[$0.key] != nil }
        XCTAssertEqual(some.members, expected, json, file: file, line: line)
    }

    func testSkippedValuesOfEveryKindLeaveTheKeptOnesAsAFullParseHasThem() throws {
        let json = #"""
            { "@timestamp" : "2026-12-03T10:00:00.000Z", "event":{"id":"x","nested":[1,{"a":"}]"},[],{}],"q":"say \"}\" \\"},
              "log":{"level":"error"}, "n": -12.5e3 , "t":true, "f":false, "z":null, "arr":["]", "\\", "\u00e9\ud83d\ude00", "é"],
              "message":"kept \"quoted\" ]}", "ingest":{"client_ip":"127.0.0.1"}, "labels":{"k":"v"}, "empty":{}, "last":"x"}
            """#
        try assertSelected(json, keeping: ["log", "message", "labels", "last"])
        XCTAssertEqual(try parse(json, keeping: ["log", "message"]), ["log": ["level": "error"], "message": "kept \"quoted\" ]}"])
        XCTAssertEqual(try parse(json, keeping: nil), try JSONParser.parse(json), "no selection: everything")
        XCTAssertEqual(try parse(json, keeping: []), .object(JSONObject()), "nothing wanted: an empty object")
    }

    func testNestedMembersAndKeysWithEscapesAreDecidedByTheirDecodedName() throws {
        let json = #"{"lo\u0067":{"event":1,"level":"info"},"event":{"log":2}}"#
        XCTAssertEqual(try parse(json, keeping: ["log"]), ["log": ["event": 1, "level": "info"]],
                       "only the top level is selected; an escaped key counts as what it decodes to")
    }

    func testKeysThatAreNotASCIIAreAlwaysKept() throws {
        let json = #"{"servicé":{"name":"a"},"other":1,"log":2}"#
        XCTAssertEqual(try parse(json, keeping: ["log"]), ["servicé": ["name": "a"], "log": 2])
        XCTAssertNil(JSONMemberSelection(["log", "servicé"]), "a wanted name that is not ASCII: no selection")
    }

    func testATruncatedSkippedValueIsStillAnError() throws {
        for json in [#"{"event":{"id":"x"#, #"{"event":"abc"#, #"{"event":[1,2"#, #"{"event":"#, #"{"event":1"#] {
            XCTAssertThrowsError(try parse(json, keeping: ["log"]), json)
        }
    }

    func testSelectedParsesOfManyShapesMatchTheFullParse() throws {
        var generator = SeededGenerator(seed: 13)
        let values = [#""plain""#, #""with \" quote""#, #""back\\slash\\""#, #""[{""#, "12", "-0.5", "true", "null",
                      #"{"a":{"b":[1,"}",{"c":"]"}]}}"#, "[]", "{}", #"["\\\"", {"x":"\\\\"}]"#, #""ж\u0436""#]
        let names = ["log", "event", "message", "labels", "a", "ab", "x1", "@timestamp"]
        for _ in 0..<300 {
            let members = (0..<Int.random(in: 1...8, using: &generator)).map { _ in
                "\"\(names.randomElement(using: &generator)!)\":\(values.randomElement(using: &generator)!)"
            }
            let json = "{" + members.joined(separator: ",") + "}"
            let kept = names.filter { _ in Bool.random(using: &generator) }
            try assertSelected(json, keeping: kept)
        }
    }
}
