import LogModel
import XCTest

final class JSONParserTests: XCTestCase {
    private func parse(_ text: String, maxDepth: Int = 64) throws -> JSONValue {
        try JSONParser.parse(text, maxDepth: maxDepth)
    }

    private func parseError(_ bytes: [UInt8], maxDepth: Int = 64, file: StaticString = #filePath, line: UInt = #line)
        -> JSONParseError?
    {
        do {
            let value = try JSONParser.parse(bytes, maxDepth: maxDepth)
            XCTFail("expected an error, got \(value)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    private func parseError(_ text: String, maxDepth: Int = 64, file: StaticString = #filePath, line: UInt = #line)
        -> JSONParseError?
    {
        parseError(Array(text.utf8), maxDepth: maxDepth, file: file, line: line)
    }

    // MARK: - Values

    func testObjectsKeepKeyOrderAndValueTypes() throws {
        let value = try parse(#" {"z": 1, "a": "x", "m": [true, false, null], "d": 1.5, "o": {}} "#)
        let object = try XCTUnwrap(value.objectValue)
        XCTAssertEqual(object.keys, ["z", "a", "m", "d", "o"])
        XCTAssertEqual(object["z"], .int(1))
        XCTAssertEqual(object["a"], .string("x"))
        XCTAssertEqual(object["m"], .array([.bool(true), .bool(false), .null]))
        XCTAssertEqual(object["d"], .double(1.5))
        XCTAssertEqual(object["o"], .object(JSONObject()))
    }

    func testRepeatedKeyKeepsFirstPositionAndLastValue() throws {
        let object = try XCTUnwrap(try parse(#"{"a":1,"b":2,"a":3}"#).objectValue)
        XCTAssertEqual(object.keys, ["a", "b"])
        XCTAssertEqual(object["a"], .int(3))
    }

    func testRepeatedKeysInLargeObjectsAreFoundToo() throws {
        var text = "{"
        for i in 0..<100 { text += "\"k\(i)\":\(i)," }
        text += "\"k3\":\"again\",\"k77\":\"again\"}"
        let object = try XCTUnwrap(try parse(text).objectValue)
        XCTAssertEqual(object.count, 100)
        XCTAssertEqual(object["k3"], .string("again"))
        XCTAssertEqual(object["k77"], .string("again"))
        XCTAssertEqual(object.keys.first, "k0")
    }

    func testEscapedKeysAreComparedByTheirDecodedText() throws {
        let object = try XCTUnwrap(try parse(#"{"a":1,"\u0061":2}"#).objectValue)
        XCTAssertEqual(object.keys, ["a"])
        XCTAssertEqual(object["a"], .int(2))
    }

    // MARK: - Numbers

    func testIntegersThatFitInt64AreInts() throws {
        XCTAssertEqual(try parse("0"), .int(0))
        XCTAssertEqual(try parse("-0"), .int(0))
        XCTAssertEqual(try parse("42"), .int(42))
        XCTAssertEqual(try parse("-17"), .int(-17))
        XCTAssertEqual(try parse("9223372036854775807"), .int(.max))
        XCTAssertEqual(try parse("-9223372036854775808"), .int(.min))
    }

    func testIntegersBeyondInt64AreDoubles() throws {
        XCTAssertEqual(try parse("9223372036854775808"), .double(9_223_372_036_854_775_808))
        XCTAssertEqual(try parse("-9223372036854775809"), .double(-9.223372036854775808e18))
        XCTAssertEqual(try parse("123456789012345678901234567890"), .double(1.2345678901234568e29))
    }

    func testFractionsAndExponentsAreDoubles() throws {
        XCTAssertEqual(try parse("1.5"), .double(1.5))
        XCTAssertEqual(try parse("-0.25"), .double(-0.25))
        XCTAssertEqual(try parse("1e3"), .double(1000))
        XCTAssertEqual(try parse("1E+3"), .double(1000))
        XCTAssertEqual(try parse("2.5e-3"), .double(0.0025))
        XCTAssertEqual(try parse("0.1"), .double(0.1))
        XCTAssertEqual(try parse("0.000001234"), .double(0.000001234))
        XCTAssertEqual(try parse("1732530300.123456"), .double(1_732_530_300.123456))
        XCTAssertEqual(try parse("3.141592653589793238462643383279"), .double(3.141592653589793))
        XCTAssertEqual(try parse("1e-400"), .double(0))
        XCTAssertEqual(try parse("4.9406564584124654e-324"), .double(.leastNonzeroMagnitude))
        XCTAssertEqual(try parse("1.7976931348623157e308"), .double(1.7976931348623157e308))
    }

    func testNumbersBeyondDoubleRangeAreRejected() {
        for text in ["1e400", "-1e400", "123456789012345678901234567890e300"] {
            let error = parseError(text)
            XCTAssertEqual(error?.code, "invalid_json", text)
            XCTAssertTrue(error?.message.contains("out of range") ?? false, text)
        }
    }

    func testMalformedNumbersAreRejected() {
        for text in ["01", "-01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "1.e3", "--1", "00", "1 2"] {
            XCTAssertEqual(parseError(text)?.code, "invalid_json", text)
        }
        XCTAssertEqual(parseError("01")?.message, "leading zero in the number starting at byte 0 (JSON numbers cannot start with 0 unless they are 0)")
    }

    func testNaNAndInfinityLiteralsAreRejected() {
        for text in ["NaN", "Infinity", "-Infinity", "nan", "{\"a\":NaN}"] {
            XCTAssertEqual(parseError(text)?.code, "invalid_json", text)
        }
    }

    // MARK: - Strings

    func testEscapesAreDecoded() throws {
        XCTAssertEqual(try parse(#""a\"b\\c\/d\b\f\n\r\t""#), .string("a\"b\\c/d\u{8}\u{c}\n\r\t"))
        XCTAssertEqual(try parse(#""\u0041\u00e9\u20AC""#), .string("Aé€"))
        XCTAssertEqual(try parse(#""\u0000""#), .string("\u{0}"))
    }

    func testSurrogatePairsBecomeOneScalar() throws {
        XCTAssertEqual(try parse(#""\ud83d\ude00""#), .string("😀"))
        XCTAssertEqual(try parse(#""x\uD834\uDD1Ey""#), .string("x𝄞y"))
    }

    func testLoneSurrogatesAreRejected() {
        for text in [#""\ud83d""#, #""\ud83dx""#, #""\ude00""#, #""\ud83d\u0041""#, #""\ud83d\ud83d""#] {
            let error = parseError(text)
            XCTAssertEqual(error?.code, "invalid_json", text)
            XCTAssertTrue(error?.message.contains("lone surrogate") ?? false, text)
        }
    }

    func testInvalidEscapeMessageListsTheValidOnes() {
        XCTAssertEqual(parseError(#""a\x""#)?.message, #"invalid escape '\x' at byte 2 (valid: \" \\ \/ \b \f \n \r \t \uXXXX)"#)
        XCTAssertEqual(parseError("\"a\u{1}\"")?.message, "unescaped control character U+0001 in a string at byte 2 (escape it, e.g. \\n or \\u00XX)")
    }

    func testInvalidEscapesAreRejected() {
        for text in [#""\x""#, #""\u12""#, #""\u12G4""#, #""\'""#, #""\"#] {
            XCTAssertEqual(parseError(text)?.code, "invalid_json", text)
        }
    }

    func testRawControlCharactersInStringsAreRejected() {
        let error = parseError("\"a\nb\"")
        XCTAssertEqual(error?.code, "invalid_json")
        XCTAssertEqual(error?.offset, 2)
        XCTAssertEqual(parseError("\"\u{1}\"")?.code, "invalid_json")
    }

    func testMultibyteUTF8IsKept() throws {
        XCTAssertEqual(try parse("\"ünïcödé 日本語 😀\""), .string("ünïcödé 日本語 😀"))
        // Long enough that the eight-bytes-at-a-time scan is exercised on both sides.
        let long = String(repeating: "abcdefghijklmnop", count: 4) + "é" + String(repeating: "q", count: 20)
        XCTAssertEqual(try parse("\"\(long)\""), .string(long))
        XCTAssertEqual(try parse("\"\(long)\\n\(long)\""), .string(long + "\n" + long))
    }

    func testInvalidUTF8IsAnErrorNotReplaced() {
        let cases: [[UInt8]] = [
            [0x22, 0xFF, 0x22],  // never valid
            [0x22, 0xC3, 0x22],  // truncated 2-byte sequence
            [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong 3-byte
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate U+D800
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0x80, 0x22],  // lone continuation byte
            [0x22, 0x61, 0x5C, 0x6E, 0xE2, 0x82, 0x22],  // truncated after an escape
        ]
        for bytes in cases {
            XCTAssertEqual(parseError(bytes)?.code, "invalid_utf8", "\(bytes)")
        }
        XCTAssertEqual(parseError([0x22, 0x61, 0x61, 0xFF, 0x22])?.offset, 3)
    }

    func testUnterminatedStringsAreRejected() {
        XCTAssertEqual(parseError(#""abc"#)?.code, "invalid_json")
        XCTAssertEqual(parseError(#"{"abc"#)?.code, "invalid_json")
    }

    // MARK: - Structure

    func testTrailingGarbageIsRejected() {
        let error = parseError(#"{"a":1} x"#)
        XCTAssertEqual(error?.code, "invalid_json")
        XCTAssertEqual(error?.offset, 8)
        XCTAssertEqual(parseError(#"{"a":1}{"b":2}"#)?.code, "invalid_json")
    }

    func testErrorMessageNamesTheByteAndWhatWasFound() {
        let error = parseError(#"{"a": 1, "b": 2,}"#)
        XCTAssertEqual(error?.offset, 16)
        XCTAssertEqual(error?.message, "unexpected '}' at byte 16, expected '\"' starting an object key")
    }

    func testStructuralMistakesAreRejected() {
        for text in [
            "", "   ", "{", "[", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}", "{a:1}", "{'a':1}", "[1 2]",
            "{\"a\":1 \"b\":2}", "tru", "nul", "falsey", "/* c */ 1", "[1]]", "}", "\u{feff}{}",
        ] {
            XCTAssertEqual(parseError(text)?.code, "invalid_json", "\(text.debugDescription)")
        }
    }

    func testNestingUpToMaxDepthIsAccepted() throws {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        XCTAssertNoThrow(try parse(text))
        let objects = String(repeating: "{\"a\":", count: 63) + "{}" + String(repeating: "}", count: 63)
        XCTAssertNoThrow(try parse(objects))
    }

    func testNestingBeyondMaxDepthIsTooDeep() {
        let text = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        XCTAssertEqual(parseError(text)?.code, "too_deep")
        XCTAssertEqual(parseError("[[1]]", maxDepth: 1)?.code, "too_deep")
        // A huge depth is stopped early instead of exhausting the stack.
        XCTAssertEqual(parseError(String(repeating: "[", count: 100_000), maxDepth: 1_000_000)?.code, "too_deep")
    }

    // MARK: - Round trip

    func testSerializationIsCompactAndKeepsOrder() throws {
        let value: JSONValue = ["b": 1, "a": [true, nil, "x\"y\\z\n\u{1}"], "c": 2.5, "d": -0.0, "e": 1e21]
        XCTAssertEqual(value.jsonString, #"{"b":1,"a":[true,null,"x\"y\\z\n\u0001"],"c":2.5,"d":-0.0,"e":1e+21}"#)
    }

    func testDoublesSerializeAsShortestRoundTripAndStayDoubles() throws {
        for d in [0.1, 1.0, 3.0, 1e-7, 123456.789, 1.7976931348623157e308, .leastNonzeroMagnitude, -2.5e-300, 1e16] {
            let text = JSONValue.double(d).jsonString
            XCTAssertEqual(try parse(text), .double(d), text)
        }
        XCTAssertEqual(JSONValue.double(0.1).jsonString, "0.1")
        XCTAssertEqual(JSONValue.double(.nan).jsonString, "null")
        XCTAssertEqual(JSONValue.double(-.infinity).jsonString, "null")
    }

    func testIntegersSerializeExactly() {
        XCTAssertEqual(JSONValue.int(.min).jsonString, "-9223372036854775808")
        XCTAssertEqual(JSONValue.int(.max).jsonString, "9223372036854775807")
        XCTAssertEqual(JSONValue.int(0).jsonString, "0")
        XCTAssertEqual(JSONValue.int(-7).jsonString, "-7")
    }

    func testAllControlCharactersAreEscapedAndReadBack() throws {
        let all = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self) + "é😀\u{2028}"
        let text = JSONValue.string(all).serialized()
        XCTAssertFalse(text.dropFirst().dropLast().contains { $0 < 0x20 })
        XCTAssertEqual(try JSONParser.parse(text), .string(all))
    }

    func testRandomValuesRoundTrip() throws {
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<2000 {
            let value = randomValue(depth: 0, using: &rng)
            let bytes = value.serialized()
            XCTAssertEqual(try JSONParser.parse(bytes), value, String(decoding: bytes, as: UTF8.self))
        }
    }

    private func randomValue(depth: Int, using rng: inout SeededGenerator) -> JSONValue {
        let pick = Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &rng)
        switch pick {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .int(Int64.random(in: .min ... .max, using: &rng) >> Int64.random(in: 0..<63, using: &rng))
        case 3:
            let d = Double(bitPattern: UInt64.random(in: 0 ... .max, using: &rng))
            return .double(d.isFinite ? d : 0.5)
        case 4: return .string(randomString(using: &rng))
        case 5: return .array((0..<Int.random(in: 0..<5, using: &rng)).map { _ in randomValue(depth: depth + 1, using: &rng) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0..<6, using: &rng) {
                object[randomString(using: &rng)] = randomValue(depth: depth + 1, using: &rng)
            }
            return .object(object)
        }
    }

    private func randomString(using rng: inout SeededGenerator) -> String {
        let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\u{0}", "\u{1f}", "é", "€", "😀", "\u{7f}"]
        var s = ""
        for _ in 0..<Int.random(in: 0..<12, using: &rng) {
            s.unicodeScalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)])
        }
        return s
    }
}
