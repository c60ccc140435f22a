import Sinks

/// Turns one `_bulk` item into the sink's verdict. Classified by HTTP status first and the error type
/// only for wording, because type names change between versions (`mapper_parsing_exception` in
/// OpenSearch, `document_parsing_exception` in Elasticsearch 8) — protocols.md 3.1.
package enum BulkItemOutcome {
    package static func classify(_ item: BulkResponse.Item, indexPrefix: String) -> ItemOutcome {
        guard let status = item.status else {
            return .retry(reason: "Elasticsearch returned a bulk item without a status")
        }
        switch status {
        case 200, 201:
            return .stored
        case 409:
            // `create` on an existing `_id`: an earlier attempt already stored this event.
            return .alreadyStored
        default:
            return failed(item, status: status, indexPrefix: indexPrefix)
        }
    }

    /// A refused item, worded with its error (made only for these: a stored item needs no words).
    private static func failed(_ item: BulkResponse.Item, status: Int, indexPrefix: String) -> ItemOutcome {
        let details = item.error?.summary ?? "no error details"
        switch status {
        case 429:
            return .retry(reason: "Elasticsearch is overloaded and rejected this document (429 \(details)); it will be sent again")
        case 404:
            let index = item.index ?? "\(indexPrefix)-…"
            return .retry(reason: "index \(index) does not exist and was not created (404 \(details)): "
                + "allow auto-creation of \(indexPrefix)-* (action.auto_create_index) and check the index template \(indexPrefix)")
        case 500...:
            return .retry(reason: "Elasticsearch failed to store this document (\(status) \(details))")
        default:
            return .reject(reason: "Elasticsearch rejected this document (\(status) \(details))")
        }
    }
}
