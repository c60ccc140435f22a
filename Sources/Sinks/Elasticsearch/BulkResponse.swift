import LogModel

/// The parts of a `_bulk` response the sink needs: one entry per action, in request order.
///
/// Read with the hub's own JSON parser rather than `JSONDecoder`: a 1,000-item answer came to a
/// quarter of the sink's CPU through Foundation's generic decoding (README, "Delivery ceiling").
package struct BulkResponse {
    package struct Item {
        package var index: String?
        package var status: Int?
        var error: ElasticsearchErrorCause?
        /// The error as dead letters and logs word it.
        package var errorSummary: String? { error?.summary }
    }

    package var errors: Bool?
    /// Each element is `{"create": {…}}`; only the inner object matters.
    package var items: [Item]

    /// nil when the body is not a bulk response (a proxy's page, another service).
    package static func parse(_ body: [UInt8]) -> BulkResponse? {
        if let scanned = body.withUnsafeBufferPointer(BulkAnswerScanner.scan) { return scanned }
        return parseTree(body)
    }

    /// The same through a parsed tree: what the scanner is held to, and the reading of anything unusual.
    package static func parseTree(_ body: [UInt8]) -> BulkResponse? {
        guard case .object(let root)? = try? JSONParser.parse(body), case .array(let wrapped)? = root["items"] else { return nil }
        var items: [Item] = []
        items.reserveCapacity(wrapped.count)
        for element in wrapped {
            guard case .object(let action) = element else { return nil }
            guard case .object(let inner)? = action.members.first?.value else {
                items.append(Item())
                continue
            }
            var item = Item()
            if case .string(let index)? = inner["_index"] { item.index = index }
            if case .int(let status)? = inner["status"] { item.status = Int(exactly: status) }
            if let error = inner["error"] { item.error = ElasticsearchErrorCause(json: error) }
            items.append(item)
        }
        var errors: Bool?
        if case .bool(let flag)? = root["errors"] { errors = flag }
        return BulkResponse(errors: errors, items: items)
    }
}
