import LogModel
import Transforms
import XCTest

/// Events of scalars only are read flat (``FlatEvent``) and normalised without a tree: random
/// events of such members, as a request's events come (keys reused, one memo), must come out as
/// the tree makes them, byte for byte. `checkFlatReading` also runs under every normaliser test.
final class FlatReadingTests: XCTestCase {
    private static let members = [
        #""@timestamp":"2026-11-25T10:04:59.123Z""#, #""time":"yesterday""#, #""ts":1795601099"#, #""timestamp":"2099-01-01T00:00:00Z""#,
        #""level":"warn""#, #""levelname":"ERROR""#, #""level":"loud""#, #""severity":30"#, #""level":"""#,
        #""message":"m""#, #""msg":"card 4111 1111 1111 1111""#, #""message":"""#, #""message":42"#, #""message":true"#,
        #""message":"a long message that the configuration below cuts short somewhere in the middle""#,
        #""message":"naïve café ✓""#, #""service":"svc""#, #""service":"""#, #""app":7"#, #""environment":"prod""#,
        #""logger":"core.payments""#, #""name":"postgresql://u:secret@db/x""#, #""host":"web-1""#, #""hostname":"h""#,
        #""trace_id":"0822e8f36c031199972a846916419f82""#, #""span_id":"s1""#, #""request_id":"r-1""#, #""user_id":99"#,
        #""shop_id":12"#, #""shop_id":"4111111111111111""#, #""id":"evt-1""#, #""uuid":"bad id""#, #""event.id":7"#,
        #""event.dataset":"ds""#, #""password":"hunter2""#, #""card_number":"4111111111111111""#, #""card":true"#,
        #""a.b":"dotted""#, #""a_b":"underscored""#, #""$where":"x""#, #""":"empty key""#, #""k\u00e9y":"escaped key""#,
        #""é":"precomposed""#, #""status":200"#, #""ok":false"#, #""n":-0"#, #""big":9223372036854775807"#,
        #""dsn":"https://k:s@sentry.example/1""#, #""note":"pay 4111111111111111 now""#, #""labels":"not an object""#,
        #""exc_info":"Traceback (most recent call last):""#, #""error.type":"ValueError""#, #""error.message":"bad""#,
    ]

    func testFlatEventsComeOutAsTheTreeMakesThem() throws {
        var rng = XorShift(state: 2026)
        var configuration = NormalizerConfiguration()
        configuration.maxMessageBytes = 40
        configuration.maxLabels = 6
        let normalizer = EventNormalizer(configuration: configuration)
        let keys = JSONKeyReuse()
        let memo = LabelKeyMemo()
        var members: [FlatMember] = []
        var flat = 0
        for round in 0..<2000 {
            var picked = (0..<Int.random(in: 1...12, using: &rng)).map { _ in Self.members.randomElement(using: &rng)! }
            if round % 3 == 0 { picked.shuffle(using: &rng) }
            let json = "{" + picked.joined(separator: ",") + "}"
            let want = Result { () throws(EventError) in
                guard case .object(let object)? = try? JSONParser.parse(json) else { throw EventError(code: "test", message: "not an object") }
                return try normalizer.normalize(object, context: testContext)
            }
            guard let got = normalizeFlat(json, normalizer: normalizer, keys: keys, memo: memo, members: &members) else {
                // Only a repeated key keeps such an event from being read flat.
                let keyCount = Set(picked.map { $0.prefix { $0 != ":" } }).count
                XCTAssertLessThan(keyCount, picked.count, "not read flat: \(json)")
                continue
            }
            flat += 1
            assertSameOutcome(got, want, json)
        }
        XCTAssertGreaterThan(flat, 1000)
    }

    /// A request's events mostly share their keys, and an event of the previous one's shape takes its
    /// field candidates (``FlatShape``): the same keys with values of other kinds (empty, a number, a
    /// boolean), or other keys at a place (some long, some past the 32 remembered places), must still
    /// come out as the tree makes them.
    func testEventsOfOneShapeComeOutAsTheTreeMakesThem() throws {
        let empty = "\"\""
        let shape: [(key: String, values: [String])] = [
            ("level", ["\"warn\"", empty, "30", "true", "\"loud\""]),
            ("message", ["\"m\"", empty, "7", "false"]),
            ("service", ["\"svc\"", empty, "3"]),
            ("trace_id", ["\"t-1\"", empty, "99"]),
            ("host", ["\"web-1\"", "\"4111111111111111\"", empty]),
            ("msg", ["\"fallback\"", empty]),
            ("label", ["\"v\"", "1"]),
            ("severity", ["20", empty]),
        ]
        try checkEventsOfOneShape(shape)
        // Keys the parser makes anew for every event (too long to keep, or past the 32 kept places).
        let long = String(repeating: "k", count: 60)
        try checkEventsOfOneShape(shape + [(long, ["\"x\"", "1"])] + (0..<30).map { ("label_\($0)", ["\"v\"", "1"]) } + shape.map { ($0.key + "_again", $0.values) })
    }

    private func checkEventsOfOneShape(_ options: [(key: String, values: [String])]) throws {
        var rng = XorShift(state: 7)
        let normalizer = EventNormalizer()
        let keys = JSONKeyReuse()
        let memo = LabelKeyMemo()
        var members: [FlatMember] = []
        var values = options.map { $0.values[0] }
        for round in 0..<600 {
            // Mostly the previous event's values (the same shape), now and then one or two changed.
            for _ in 0..<(round % 4 == 0 ? 2 : 0) {
                let at = Int.random(in: 0..<options.count, using: &rng)
                values[at] = options[at].values.randomElement(using: &rng)!
            }
            let json = "{" + zip(options, values).map { "\"\($0.0.key)\":\($0.1)" }.joined(separator: ",") + "}"
            let object = try XCTUnwrap(JSONParser.parse(json).objectValue)
            let want = Result { () throws(EventError) in try normalizer.normalize(object, context: testContext) }
            let got = try XCTUnwrap(normalizeFlat(json, normalizer: normalizer, keys: keys, memo: memo, members: &members), json)
            assertSameOutcome(got, want, json)
            // Now and then a tree event between two flat ones (its candidates table is handed back too).
            if round % 50 == 0 {
                let tree = try XCTUnwrap(JSONParser.parse(#"{"log":{"level":"error"},"message":"tree"}"#).objectValue)
                _ = try normalizer.normalize(tree, context: testContext, memo: memo)
            }
        }
    }

    /// What the flat reading keeps points into the event's bytes: an event kept after the body is
    /// gone (as the collecting `decodeAndNormalize` does) still has its own copy.
    func testAnEventOutlivesTheBytesItWasReadFrom() throws {
        let normalizer = EventNormalizer()
        var members: [FlatMember] = []
        var bytes = Array(#"{"message":"kept after the body","http_path":"/api/v1/shops/913/balance","host":"web-1"}"#.utf8)
        let event = try bytes.withUnsafeBufferPointer { buffer in
            XCTAssertTrue(JSONParser.readFlat(buffer, into: &members))
            return try normalizer.normalize(FlatEvent(bytes: buffer, members: members), context: testContext)
        }
        for index in bytes.indices { bytes[index] = UInt8(ascii: "#") }
        XCTAssertEqual(event["message"], "kept after the body")
        XCTAssertEqual(event["labels.http_path"], "/api/v1/shops/913/balance")
        XCTAssertEqual(event["host.name"], "web-1")
    }
}
