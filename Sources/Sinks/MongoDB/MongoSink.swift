public import ClientMongo
public import Logging
public import LogModel
public import Sinks

/// Stores events in one MongoDB collection, `_id` = event id, so a repeat is a duplicate-key error
/// that counts as delivered (architecture.md invariant 2).
///
/// The stored document is the spooled JSON (ingest-contract.md "The stored document") with `_id`
/// first and `@timestamp` / `event.ingested` as BSON dates, which the TTL index and date range
/// queries need. Write concern and timeouts come from the URI.
public final class MongoSink: Sink {
    public static let sinkName = "mongodb"
    public let name = MongoSink.sinkName
    public let configuration: MongoSinkConfiguration
    /// The pool the sink writes through; search can share it.
    public let client: MongoClientPool
    /// Answers `probe()`: the same server, short timeouts.
    private let probeClient: MongoClientPool
    private let ownsClient: Bool
    private let logger: Logger

    /// Fields written as BSON dates.
    public static let datePaths: BSONDatePaths = ["@timestamp", "event.ingested"]

    /// Opens a client pool for `configuration.uri` (connections are made on first use).
    /// Throws a `.configuration` `SinkError` when the URI is malformed.
    public init(configuration: MongoSinkConfiguration, logger: Logger = Logger(label: "datamp.sink.mongodb")) throws(SinkError) {
        self.configuration = configuration
        self.logger = logger
        do {
            client = try MongoClientPool(uri: configuration.uri, appName: configuration.appName,
                                         threads: configuration.threads, logger: logger)
        } catch {
            throw SinkError(sink: "mongodb", message: error.message, kind: .configuration)
        }
        probeClient = client
        ownsClient = true
    }

    /// Uses an existing pool (shared with search); `shutdown()` then leaves it open. `probeClient`, a
    /// pool on the same server with short timeouts, answers `probe()` (default: `client`).
    public init(configuration: MongoSinkConfiguration, client: MongoClientPool, probeClient: MongoClientPool? = nil,
                logger: Logger = Logger(label: "datamp.sink.mongodb")) {
        self.configuration = configuration
        self.client = client
        self.probeClient = probeClient ?? client
        self.logger = logger
        ownsClient = false
    }

    /// `ping` on the probe pool (short server-selection and socket timeouts): answers within seconds
    /// even while a delivery waits in a blocked insert on the main pool.
    public func probe() async throws(SinkError) -> SinkProbe {
        do {
            try await probeClient.ping()
            return .healthy
        } catch {
            throw SinkError(sink: name, message: "MongoDB at \(client.redactedURI): \(error.message)", kind: MongoErrorKind.of(error))
        }
    }

    /// Pings the server, creates the query indexes and brings the TTL index in line with
    /// `retentionDays` (created, changed with `collMod`, or dropped).
    public func prepare() async throws(SinkError) {
        let database = configuration.database, collection = configuration.collection
        do {
            try await client.ping()
            try await client.createIndexes(database: database, collection: collection, indexes: MongoSinkIndexes.query)
            try await reconcileRetention()
        } catch {
            throw SinkError(sink: name, message: "MongoDB at \(client.redactedURI) (\(database).\(collection)): \(error.message)",
                            kind: MongoErrorKind.of(error))
        }
    }

    /// Sends the events in one unordered `insert_many` and reports each one's outcome, in order.
    /// An event whose JSON cannot be stored is rejected on its own; it never fails the batch.
    /// Every event given is delivered: choosing events by `SpooledEvent.isMeant(for:)` is the worker's job.
    public func deliver(_ events: [SpooledEvent]) async -> DeliveryReport {
        guard !events.isEmpty else { return DeliveryReport(items: []) }
        var outcomes = [ItemOutcome?](repeating: nil, count: events.count)
        // Each document written into one buffer for the whole batch (`BSONBatch`).
        var batch = BSONBatch(reservingCapacity: events.count, bytes: events.reduce(0) { $0 + $1.json.count + 64 })
        var positions: [Int] = []
        positions.reserveCapacity(events.count)
        let scratch = BSONScratch()
        for (position, event) in events.enumerated() {
            if Self.appendDocument(for: event, to: &batch, scratch: scratch) {
                positions.append(position)
                continue
            }
            switch Self.documentThroughTree(for: event) {
            case .document(let document):
                batch.append(document)
                positions.append(position)
            case .rejected(let reason):
                outcomes[position] = .reject(reason: reason)
            }
        }
        var requestFailure: SinkErrorKind?
        if batch.count > 0 {
            let result = await client.insertMany(database: configuration.database, collection: configuration.collection,
                                                 batch: batch, ordered: false)
            if let error = result.batchError {
                logger.warning("MongoDB insert failed as a whole; the batch will be retried", metadata: [
                    "sink.name": "\(name)", "mongodb.error": "\(error)", "sink.batch_size": "\(batch.count)",
                ])
            }
            let report = MongoDeliveryClassifier.report(for: result, count: batch.count)
            requestFailure = report.requestFailure
            for (sent, outcome) in report.items.enumerated() {
                outcomes[positions[sent]] = outcome
            }
        }
        return DeliveryReport(items: outcomes.map { $0 ?? .retry(reason: "not attempted") }, requestFailure: requestFailure)
    }

    /// Closes the pool if this sink opened it.
    public func shutdown() async {
        if ownsClient { await client.shutdown() }
    }

    // MARK: - Internals

    package enum PreparedDocument {
        case document(BSONDocument)
        case rejected(String)
    }

    /// The fast path into a batch: the event's document written straight from its stored bytes.
    /// False (nothing appended) for unusual or invalid JSON: then `documentThroughTree`.
    /// (Timestamps within years 1970-9999 only: there the string the tree path would add reads
    /// back as the same milliseconds.)
    package static func appendDocument(for event: SpooledEvent, to batch: inout BSONBatch, scratch: BSONScratch) -> Bool {
        guard (0...253_402_300_799_999).contains(event.timestampMillis) else { return false }
        return event.json.withUnsafeBufferPointer { json in
            batch.appendStoring(json: json, id: event.id, datePaths: datePaths,
                                timestampIfMissing: ("@timestamp", event.timestampMillis), scratch: scratch)
        }
    }

    /// The event's document through a parsed `JSONValue`: the reference the fast path is held to, and
    /// what says why an event cannot be stored.
    static func documentThroughTree(for event: SpooledEvent) -> PreparedDocument {
        let value: JSONValue
        do {
            value = try JSONParser.parse(event.json)
        } catch {
            return .rejected("invalid_json: \(error)")
        }
        guard case .object(var object) = value else { return .rejected("invalid_json: the stored document is not a JSON object") }
        // The TTL index only expires documents with a BSON date: never store one without it.
        if object["@timestamp"] == nil {
            object["@timestamp"] = .string(RFC3339.string(fromMilliseconds: event.timestampMillis))
        }
        do {
            return .document(try BSONDocument(object: object, id: .string(event.id), datePaths: datePaths))
        } catch {
            return .rejected("invalid_document: \(error)")
        }
    }

    private func reconcileRetention() async throws(MongoError) {
        let database = configuration.database, collection = configuration.collection
        let existing = try await client.listIndexes(database: database, collection: collection)
            .first { $0["name"]?.stringValue == MongoSinkIndexes.ttlName }
        let current: Int64? = existing.flatMap { index in
            switch index["expireAfterSeconds"] {
            case .int(let seconds)?: return seconds
            case .double(let seconds)?: return Int64(seconds)
            default: return nil
            }
        }
        switch (configuration.expireAfterSeconds, existing) {
        case (let wanted?, nil):
            try await client.createIndexes(database: database, collection: collection,
                                           indexes: [MongoSinkIndexes.ttl(expireAfterSeconds: wanted)])
        case (let wanted?, _?) where current != wanted:
            // createIndexes would fail with IndexOptionsConflict; collMod changes a TTL in place.
            try await client.command(database: database, command: [
                "collMod": .string(collection),
                "index": ["name": .string(MongoSinkIndexes.ttlName), "expireAfterSeconds": .int(wanted)],
            ])
            logger.notice("MongoDB retention changed", metadata: [
                "sink.name": "\(name)", "mongodb.ttl_seconds_before": "\(current.map(String.init) ?? "none")",
                "mongodb.ttl_seconds": "\(wanted)",
            ])
        case (nil, _?):
            try await client.dropIndex(database: database, collection: collection, name: MongoSinkIndexes.ttlName)
            logger.warning("MongoDB retention disabled: TTL index dropped, events are now kept forever",
                           metadata: ["sink.name": "\(name)"])
        default:
            break
        }
    }
}
