import Intake
import LogModel
import NIOCore
import Transforms
import XCTest

/// Random and mutated input must never crash the parser or the decoder: every input ends in a
/// value or a typed error.
final class FuzzTests: XCTestCase {
    private let seeds: [String] = [
        #"{"@timestamp":"2026-11-25T10:05:00.123Z","level":"error","message":"payment failed","shop_id":42}"#,
        #"{"a":[1,2.5e-3,-0,true,false,null,{"b":"\u00e9\ud83d\ude00\n"}],"c":{"d":{}}}"#,
        #"[{"x":"y"},{"exc_info":"Traceback (most recent call last):\nValueError: x"},3]"#,
        "{\"k\":\"ünï 日本 😀\",\"n\":12345678901234567890}",
        #"{"labels":{"password":"p","t":1},"attributes":{"deep":[[[{"a":1}]]]},"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV"}"#,
    ]

    private let interesting: [UInt8] = Array("{}[]\",:\\ \n\r\t0123456789.eE+-tfnlu".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xFF]

    private func mutate(_ input: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = interesting.randomElement(using: &rng)!
            case 1:
                bytes.insert(interesting.randomElement(using: &rng)!, at: Int.random(in: 0...bytes.count, using: &rng))
            case 2 where !bytes.isEmpty:
                bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng))
            case 3 where bytes.count > 2:
                let cut = Int.random(in: 0..<bytes.count, using: &rng)
                bytes = Array(bytes[..<cut])
            default:
                let start = Int.random(in: 0...bytes.count, using: &rng)
                let slice = bytes[start..<min(bytes.count, start + Int.random(in: 0...20, using: &rng))]
                bytes.insert(contentsOf: slice, at: Int.random(in: 0...bytes.count, using: &rng))
            }
        }
        return bytes
    }

    private func randomInput(using rng: inout SeededGenerator) -> [UInt8] {
        if Bool.random(using: &rng) {
            return mutate(Array(seeds.randomElement(using: &rng)!.utf8), using: &rng)
        }
        let count = Int.random(in: 0..<64, using: &rng)
        if Bool.random(using: &rng) {
            return (0..<count).map { _ in interesting.randomElement(using: &rng)! }
        }
        return (0..<count).map { _ in UInt8.random(in: 0 ... .max, using: &rng) }
    }

    func testParserNeverCrashesOnRandomAndMutatedBytes() {
        var rng = SeededGenerator(seed: 2026)
        var values = 0
        var errors = Set<String>()
        let normalizer = EventNormalizer()
        let context = IngestContext(serviceName: "fuzz", receivedAtMicros: 1_795_601_100_000_000)
        for _ in 0..<20_000 {
            let input = randomInput(using: &rng)
            do {
                let value = try JSONParser.parse(input, maxDepth: 8)
                values += 1
                // Whatever parses must serialise to JSON that parses back to the same value.
                XCTAssertEqual(try JSONParser.parse(value.serialized(), maxDepth: 8), value)
                if case .object(let object) = value {
                    _ = try? normalizer.normalize(object, context: context)
                }
            } catch {
                errors.insert(error.code)
            }
        }
        XCTAssertGreaterThan(values, 500, "the mutations should leave some inputs valid")
        XCTAssertTrue(errors.isSubset(of: ["invalid_json", "invalid_utf8", "too_deep"]), "\(errors)")
    }

    func testBodyDecoderNeverCrashesOnRandomBodies() {
        var rng = SeededGenerator(seed: 99)
        let types = ["application/x-ndjson", "application/json"]
        let gzipped = seeds.compactMap { try? Array(Body.gzip($0 + "\n" + $0).readableBytesView) }
        let normalizer = EventNormalizer()
        let context = IngestContext(serviceName: "fuzz", receivedAtMicros: 1_795_601_100_000_000)
        for round in 0..<20_000 {
            var body: [UInt8] = []
            let gzip = round % 10 == 0
            if gzip {
                body = mutate(gzipped.randomElement(using: &rng)!, using: &rng)
            } else {
                for _ in 0..<Int.random(in: 0..<4, using: &rng) {
                    body += randomInput(using: &rng)
                    body.append(Bool.random(using: &rng) ? 0x0A : UInt8(ascii: ","))
                }
                if Bool.random(using: &rng) { body = [UInt8(ascii: "[")] + body + [UInt8(ascii: "]")] }
            }
            do throws(IngestError) {
                let batch = try BodyDecoder.decodeAndNormalize(
                    Body.buffer(body), contentType: types[round % 2], contentEncoding: gzip ? "gzip" : nil,
                    limits: IngestLimits(maxEventBytes: 64), normalizer: normalizer, context: context)
                XCTAssertEqual(batch.accepted, batch.events.count)
                XCTAssertEqual(batch.errors.count, batch.rejected, "a few events per body: every rejection is listed")
                let indices = batch.errors.map(\.index)
                XCTAssertEqual(indices, indices.sorted(), "errors in request order")
                XCTAssertTrue(indices.allSatisfy { $0 < batch.accepted + batch.rejected }, "\(indices)")
            } catch {
                // It throws IngestError only (typed throws); the statuses are the contract's.
                XCTAssertTrue([400, 413, 415].contains(error.status))
            }
        }
    }
}
