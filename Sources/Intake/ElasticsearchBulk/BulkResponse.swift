public import LogModel

/// The `_bulk` answer in Elasticsearch's format: `took`, `errors`, and one item per action in
/// request order, each `{"<action>": {"_index", "_id", "status", "result" | "error"}}`.
public enum BulkResponse {
    /// - Parameters:
    ///   - failures: the intake's per-document errors, by document line.
    ///   - backpressure: set when the hub took nothing (spool full, rate limit): every item that
    ///     was not refused for its own reason gets it (429 `es_rejected_execution_exception`), so
    ///     shippers retry those items as they retry a busy Elasticsearch.
    public static func body(for request: BulkRequest, failures: [Int: BulkItemError], backpressure: BulkItemError?,
                            tookMillis: Int) -> JSONValue {
        var anyError = false
        var items: [JSONValue] = []
        items.reserveCapacity(request.items.count)
        for item in request.items {
            var fields: JSONObject = ["_index": .string(item.index ?? "_bulk"), "_id": .string(item.id)]
            let error = item.refusal ?? backpressure ?? item.document.flatMap { failures[$0] }
            if let error {
                anyError = true
                fields.append("status", .int(Int64(error.status)))
                fields.append("error", .object(["type": .string(error.type), "reason": .string(error.reason),
                                                "index": .string(item.index ?? "_bulk")]))
            } else {
                fields.append("_version", .int(1))
                fields.append("result", .string("created"))
                fields.append("_shards", .object(["total": .int(1), "successful": .int(1), "failed": .int(0)]))
                fields.append("_seq_no", .int(0))
                fields.append("_primary_term", .int(1))
                fields.append("status", .int(201))
            }
            items.append(.object([item.action.rawValue: .object(fields)]))
        }
        return .object(["took": .int(Int64(tookMillis)), "errors": .bool(anyError), "items": .array(items)])
    }

    /// Elasticsearch's error body for a refused request: `{"error": {"root_cause": [...], "type", "reason"}, "status"}`.
    public static func error(status: Int, type: String, reason: String) -> JSONValue {
        let cause: JSONValue = .object(["type": .string(type), "reason": .string(reason)])
        return .object(["error": .object(["root_cause": .array([cause]), "type": .string(type), "reason": .string(reason)]),
                        "status": .int(Int64(status))])
    }
}
