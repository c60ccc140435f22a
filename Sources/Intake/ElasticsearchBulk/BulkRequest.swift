public import NIOCore

/// An Elasticsearch `_bulk` request read for the hub's intake: the documents as one NDJSON body in
/// the hub's own ingest format, and one item per action so the answer can be given per item, in
/// Elasticsearch's format and order.
public struct BulkRequest: Sendable {
    public enum Action: String, Sendable {
        case index, create, update, delete
    }

    public struct Item: Sendable {
        public var action: Action
        /// `_index` of the action line, or the index of the path (`/{index}/_bulk`).
        public var index: String?
        /// The id answered to the client: its own `_id`, or one chosen here (Elasticsearch's auto id).
        public var id: String
        /// The item's line among `documents` (the hub's per-event error index); nil when refused here.
        public var document: Int?
        /// Why the item was refused before the intake (an action the hub does not take).
        public var refusal: BulkItemError?
    }

    /// NDJSON: each `index`/`create` document with `event.id` (from `_id`) and `event.dataset` (from
    /// `_index`) added last, so they win over the document's own keys.
    public var documents: ByteBuffer
    public var items: [Item]
    public var documentCount: Int
}

/// A per-item failure in Elasticsearch's terms (`status`, `error.type`, `error.reason`).
public struct BulkItemError: Sendable, Equatable {
    public var status: Int
    public var type: String
    public var reason: String

    public init(status: Int, type: String, reason: String) {
        self.status = status
        self.type = type
        self.reason = reason
    }
}

/// Why a whole `_bulk` request is refused (Elasticsearch refuses it as a whole too): nothing is stored.
public enum BulkRequestError: Error, Sendable, Equatable {
    /// An action line that is not an object naming one action (`line` counts from 1, as Elasticsearch does).
    case malformedActionLine(line: Int, reason: String)
    /// An `index`/`create`/`update` action with no document line after it.
    case missingDocument(line: Int)
    /// No action at all.
    case empty

    /// Elasticsearch's `error.type` and `reason` for it (status 400).
    public var type: String {
        switch self {
        case .malformedActionLine, .missingDocument: "illegal_argument_exception"
        case .empty: "action_request_validation_exception"
        }
    }

    public var reason: String {
        switch self {
        case .malformedActionLine(let line, let reason): "Malformed action/metadata line [\(line)], \(reason)"
        case .missingDocument(let line): "The bulk request must be terminated by a newline [\\n]; action line [\(line)] has no document after it"
        case .empty: "Validation Failed: 1: no requests added;"
        }
    }
}
