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
    let result = Result { () throws(EventError) in try normalizer.normalize(object, context: context) }
    checkFlatReading(json, normalizer: normalizer, context: context, want: result, file: file, line: line)
    let event = try result.get()
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

/// The intake reads an event of scalars without a tree (``FlatEvent``): when `json` is one, the
/// flat reading must give what the tree gives (the written document byte for byte, the document,
/// the counts, or the same error), the first time and with the request's key reuse and memo.
func checkFlatReading(
    _ json: String, normalizer: EventNormalizer, context: IngestContext, want: Result<NormalizedEvent, EventError>,
    file: StaticString = #filePath, line: UInt = #line
) {
    let keys = JSONKeyReuse()
    let memo = LabelKeyMemo()
    var members: [FlatMember] = []
    for round in 0..<3 {
        guard let got = normalizeFlat(json, normalizer: normalizer, context: context, keys: round == 0 ? nil : keys,
                                      memo: round == 0 ? nil : memo, members: &members)
        else { return }
        assertSameOutcome(got, want, "read flat: \(json)", file: file, line: line)
    }
}

/// `json` read flat and normalised, or `nil` when it is not a flat event. `members`: the storage the
/// reading reuses, as the intake's does.
func normalizeFlat(
    _ json: String, normalizer: EventNormalizer, context: IngestContext = testContext, keys: JSONKeyReuse?, memo: LabelKeyMemo?,
    members: inout [FlatMember]
) -> Result<NormalizedEvent, EventError>? {
    let bytes = Array(json.utf8)
    return bytes.withUnsafeBufferPointer { bytes in
        guard JSONParser.readFlat(bytes, reusingKeys: keys, into: &members) else { return nil }
        return Result { () throws(EventError) in
            try normalizer.normalize(FlatEvent(bytes: bytes, members: members), context: context, memo: memo)
        }
    }
}

/// `got` is `want`: the same written document byte for byte (the ids aside), the same document tree
/// and counts, or the same error.
func assertSameOutcome(
    _ got: Result<NormalizedEvent, EventError>, _ want: Result<NormalizedEvent, EventError>, _ message: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    switch (want, got) {
    case (.success(let want), .success(let got)):
        var wantBytes: [UInt8] = [], gotBytes: [UInt8] = []
        want.writeDocument(into: &wantBytes)
        got.writeDocument(into: &gotBytes)
        XCTAssertEqual(String(decoding: gotBytes, as: UTF8.self).replacingOccurrences(of: got.id, with: want.id),
                       String(decoding: wantBytes, as: UTF8.self), "the written document differs; \(message)", file: file, line: line)
        XCTAssertEqual(got.document.jsonString.replacingOccurrences(of: got.id, with: want.id), want.document.jsonString,
                       "the document differs; \(message)", file: file, line: line)
        XCTAssertEqual(got.redactions, want.redactions, "the redaction count differs; \(message)", file: file, line: line)
        XCTAssertEqual(got.overflowKeys, want.overflowKeys, message, file: file, line: line)
        XCTAssertEqual(got.timestampMicros, want.timestampMicros, message, file: file, line: line)
    case (.failure(let want), .failure(let got)):
        XCTAssertEqual("\(got)", "\(want)", message, file: file, line: line)
    default:
        XCTFail("\(message): \(got), as a tree \(want)", file: file, line: line)
    }
}
