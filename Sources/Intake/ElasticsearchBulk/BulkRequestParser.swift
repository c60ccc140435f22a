import LogModel
public import NIOCore

/// Reads `_bulk` NDJSON (action line, then a document line for `index`/`create`/`update`) into a
/// ``BulkRequest``. Documents are not parsed here, only framed: the intake's normaliser parses each
/// one, so a bad document is that item's error and never the request's.
public enum BulkRequestParser {
    /// - Parameters:
    ///   - pathIndex: the `{index}` of `/{index}/_bulk`, the default for action lines without `_index`.
    ///   - newID: the id for a document sent without `_id` (Elasticsearch's auto id).
    public static func parse(_ body: ByteBuffer, pathIndex: String?,
                             newID: () -> String = { BulkDocumentID.automatic() }) throws(BulkRequestError) -> BulkRequest {
        var documents = ByteBuffer()
        documents.reserveCapacity(body.readableBytes + body.readableBytes / 8)
        var items: [BulkRequest.Item] = []
        var documentCount = 0
        var lines = BulkLines(body)
        while let (lineNumber, actionLine) = lines.next() {
            let action = try Self.action(actionLine, line: lineNumber)
            let index = action.index ?? pathIndex
            var item = BulkRequest.Item(action: action.kind, index: index, id: action.id ?? newID(), document: nil, refusal: nil)
            switch action.kind {
            case .delete:
                item.refusal = BulkItemError(status: 400, type: "action_request_validation_exception",
                                             reason: "DataMP Admin stores logs append-only: [delete] is not accepted, only [index] and [create]")
            case .update:
                guard lines.next() != nil else { throw .missingDocument(line: lineNumber) }
                item.refusal = BulkItemError(status: 400, type: "action_request_validation_exception",
                                             reason: "DataMP Admin stores logs append-only: [update] is not accepted, only [index] and [create]")
            case .index, .create:
                guard let (_, document) = lines.next() else { throw .missingDocument(line: lineNumber) }
                BulkDocument.write(document, id: BulkDocumentID.eventID(for: item.id), dataset: index, to: &documents)
                item.document = documentCount
                documentCount += 1
            }
            items.append(item)
        }
        guard !items.isEmpty else { throw .empty }
        return BulkRequest(documents: documents, items: items, documentCount: documentCount)
    }

    struct ParsedAction {
        var kind: BulkRequest.Action
        var index: String?
        var id: String?
    }

    static func action(_ line: ByteBuffer, line number: Int) throws(BulkRequestError) -> ParsedAction {
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(line.readableBytesView), maxDepth: 8)
        } catch {
            throw .malformedActionLine(line: number, reason: "expected a JSON object: \(error)")
        }
        guard case .object(let object) = value else {
            throw .malformedActionLine(line: number, reason: "expected START_OBJECT but found \(value.kindDescription)")
        }
        guard object.members.count == 1, let member = object.members.first else {
            throw .malformedActionLine(line: number, reason: "expected exactly one action, found \(object.members.count)")
        }
        guard let kind = BulkRequest.Action(rawValue: member.key) else {
            throw .malformedActionLine(line: number, reason: "expected field [create], [delete], [index] or [update] but found [\(member.key)]")
        }
        guard case .object(let metadata) = member.value else {
            throw .malformedActionLine(line: number, reason: "expected START_OBJECT after [\(member.key)]")
        }
        var action = ParsedAction(kind: kind)
        for field in metadata.members {
            switch (field.key, field.value) {
            case ("_index", .string(let index)): action.index = index
            case ("_id", .string(let id)) where !id.isEmpty: action.id = id
            case ("_id", .int(let id)): action.id = String(id)
            default: continue  // routing, pipeline, require_alias, …: nothing to do for an archive
            }
        }
        return action
    }
}

/// The non-blank lines of a body with their 1-based line numbers (Elasticsearch's numbering).
struct BulkLines {
    private var body: ByteBuffer
    private var lineNumber = 0

    init(_ body: ByteBuffer) { self.body = body }

    mutating func next() -> (Int, ByteBuffer)? {
        while body.readableBytes > 0 {
            lineNumber += 1
            let view = body.readableBytesView
            let end = view.firstIndex(of: UInt8(ascii: "\n")) ?? view.endIndex
            var line = body.readSlice(length: end - view.startIndex)!
            if body.readableBytes > 0 { body.moveReaderIndex(forwardBy: 1) }
            if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
            if line.readableBytesView.contains(where: { $0 != 0x20 && $0 != 0x09 }) { return (lineNumber, line) }
        }
        return nil
    }
}
