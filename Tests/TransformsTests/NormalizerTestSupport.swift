import LogModel
import Transforms
import XCTest

/// 2026-11-25T10:05:00.201Z, the receive time of every test event.
let receivedAt: Int64 = 1_795_601_100_201_000
let testContext = IngestContext(serviceName: "core", clientAddress: "10.0.0.7", receivedAtMicros: receivedAt)

func normalize(
    _ json: String, configuration: NormalizerConfiguration = NormalizerConfiguration(),
    context: IngestContext = testContext, file: StaticString = #filePath, line: UInt = #line
) throws -> NormalizedEvent {
    let value = try JSONParser.parse(json)
    let object = try XCTUnwrap(value.objectValue, "test input must be an object", file: file, line: line)
    let normalizer = EventNormalizer(configuration: configuration)
    let event = try normalizer.normalize(object, context: context)
    // The intake keeps a memo of label keys per request: the second and third time through it
    // (keys remembered) must give the same document as without one.
    let memo = LabelKeyMemo()
    for _ in 0..<3 {
        let again = try normalizer.normalize(object, context: context, memo: memo)
        XCTAssertEqual(again.document.jsonString.replacingOccurrences(of: again.id, with: event.id), event.document.jsonString,
                       "the memo changed the document", file: file, line: line)
        XCTAssertEqual(again.redactions, event.redactions, "the memo changed the redaction count", file: file, line: line)
        XCTAssertEqual(again.overflowKeys, event.overflowKeys, file: file, line: line)
    }
    // The spool record's JSON is written straight from the normaliser's parts, without the tree
    // `document` builds: every test event checks that both give the same bytes.
    var written: [UInt8] = []
    event.writeDocument(into: &written)
    XCTAssertEqual(
        String(decoding: written, as: UTF8.self), event.document.jsonString,
        "the written document differs from the document tree", file: file, line: line)
    return event
}

func normalizeError(_ json: String, file: StaticString = #filePath, line: UInt = #line) -> EventError? {
    do {
        let event = try normalize(json)
        XCTFail("expected an error, got \(event.document.jsonString)", file: file, line: line)
        return nil
    } catch let error as EventError {
        return error
    } catch {
        XCTFail("unexpected \(error)", file: file, line: line)
        return nil
    }
}

extension NormalizedEvent {
    /// The value at a dotted path of the stored document (`log.level`).
    subscript(path: String) -> JSONValue? {
        var current: JSONValue? = .object(document)
        for part in path.split(separator: ".") {
            current = current?[String(part)]
        }
        return current
    }
}
