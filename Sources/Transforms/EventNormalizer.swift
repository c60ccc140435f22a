import LogModel

/// Turns one event as a service sent it into the stored document, following the contract's
/// "Event fields accepted" table (lenient in, strict out).
///
/// Rules beyond the table, decided here and documented for senders:
/// - "First found wins" is per row, in the table's order; a dotted key may arrive flat
///   (`"log.level"`) or nested (`{"log": {"level": ...}}`) with the same rank. Only the winning
///   member is consumed: other aliases present (say `levelname` next to `level`) stay in the event
///   as labels, so nothing a service sent is lost.
/// - A value of the wrong kind is not a match (an object under `service` is the ECS object; an
///   object under `event` is not a structlog message). `null` and `""` count as absent except for
///   the message.
/// - Ids (`trace.id`, `user.id`, `shop_id` ...) and names are stored as strings; numbers become
///   their JSON text.
/// - A time that cannot be read, or lies more than `futureTolerance` ahead, is replaced by the
///   receive time and kept as text in `event.original_timestamp`.
/// - An event id (`event.id`, `id`, `uuid`) must be a string of 1–64 `[A-Za-z0-9_-]`; anything
///   else rejects the event with `invalid_event_id` rather than being rewritten, because a
///   rewritten id would silently break the sender's idempotency. A number is rejected too:
///   `{"id": 42}` is usually a record id, and storing it as the event id would fold every event
///   about record 42 into one.
/// - Error fields: an explicit `error.type` / `error.message` wins; otherwise they come from the
///   last exception of a Python traceback in the stack (`exc_info`, `exception`, ...). A list of
///   lines (Python's `format_exception`) is joined. `exception` may be an object with `type`,
///   `message` and `stack_trace` (or `traceback`); its other members are kept under
///   `attributes.exception`.
/// - Secrets (``ExtraFields``, ``StringValueRedaction``): Luhn-valid card numbers are masked and
///   URL / conninfo passwords replaced by `[REDACTED]` in every stored string (message, error
///   fields, names, ids, labels, attributes at any depth) except the event id, which is the
///   sender's idempotency key and cannot hold a URL; values of secret-named keys become
///   `"[REDACTED]"`, values of card-named keys are masked (see ``NormalizerConfiguration``).
/// - Label and attribute keys are made storable in both stores (``StorableKey``).
public struct EventNormalizer: Sendable {
    public let configuration: NormalizerConfiguration
    private let secrets: SecretKeyMatcher
    private let futureToleranceMicros: Int64
    // What `normalize` reads of the configuration, copied out once: reading `configuration` in it
    // copied the whole struct (its arrays retained and released) per event.
    private let limits: ExtraFields.Limits
    private let maxMessageBytes: Int
    private let defaultEnvironment: String
    /// The `shop_id` label's key, worked out once rather than looked up in every event.
    private let shopIDLabel: LabelKeyMemo.Facts

    public init(configuration: NormalizerConfiguration = NormalizerConfiguration()) {
        self.configuration = configuration
        secrets = SecretKeyMatcher(
            substrings: configuration.redactKeys + configuration.extraRedactKeys,
            words: configuration.redactKeyWords,
            cardSubstrings: configuration.cardKeys, cardWords: configuration.cardKeyWords)
        let (seconds, attoseconds) = configuration.futureTolerance.components
        futureToleranceMicros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        limits = ExtraFields.Limits(configuration)
        maxMessageBytes = configuration.maxMessageBytes
        defaultEnvironment = configuration.environment
        shopIDLabel = ExtraFields.facts(of: "shop_id", secrets: secrets)
    }

    /// The stored document for `raw`, or why the event cannot be stored. Pass the same `memo` for
    /// the events of one request: they repeat their label keys, and the memo keeps what was
    /// worked out about each.
    public func normalize(_ raw: JSONObject, context: IngestContext, memo: LabelKeyMemo? = nil) throws(EventError) -> NormalizedEvent {
        NormalizedEvent(try stored(raw, context: context, memo: memo))
    }

    /// The same as a ``StoredEvent`` (a tree's document points into no bytes: it holds its strings).
    public func stored(_ raw: JSONObject, context: IngestContext, memo: LabelKeyMemo? = nil) throws(EventError) -> StoredEvent {
        let fields = FieldCandidates(collecting: raw, memo: memo)
        defer { fields.giveBack(to: memo) }
        return try assemble(fields, flat: nil, context: context, memo: memo, value: { fields.value($0, in: raw) }) { extra in
            // In place through the buffer, as in ``FieldCandidates``: no copy of each member.
            raw.members.withUnsafeBufferPointer { members in
                for index in members.indices {
                    let claim = fields.claim(ofMember: index)
                    if claim.whole { continue }
                    if claim.inside {
                        if let remainder = Self.remainder(of: members[index].value, without: fields.claimedPaths(inside: index)) {
                            extra.add(key: members[index].key, value: remainder, position: index)
                        }
                        continue
                    }
                    extra.add(key: members[index].key, value: members[index].value, position: index)
                }
            }
        }
    }

    /// The same for an event read flat (``FlatEvent``): the same document, without the tree.
    public func normalize(_ event: FlatEvent, context: IngestContext, memo: LabelKeyMemo? = nil) throws(EventError) -> NormalizedEvent {
        NormalizedEvent(try stored(event, context: context, memo: memo))
    }

    /// The same, borrowed (``StoredEvent``): the document's unchanged strings point into `event`'s
    /// bytes, valid as long as they are. The intake writes the spool record from it at once.
    public func stored(_ event: FlatEvent, context: IngestContext, memo: LabelKeyMemo? = nil) throws(EventError) -> StoredEvent {
        let fields = FieldCandidates(collecting: event, memo: memo)
        defer { fields.giveBack(to: memo) }
        return try assemble(fields, flat: event, context: context, memo: memo, value: { fields.value($0, in: event) }) { extra in
            // No member is an object, so none is claimed only in part.
            let members = event.members
            for index in members.indices where !fields.claim(ofMember: index).whole {
                if members[index].value.isBool {
                    extra.add(key: members[index].key, value: event.value(at: index), position: index)
                } else {
                    extra.addLabel(flat: event, member: index)
                }
            }
        }
    }

    /// The document from the winning `fields` (their values read through `value`, or in place in
    /// `flat`); `addMembers` files the members they left as labels and attributes.
    private func assemble(
        _ fields: FieldCandidates, flat: FlatEvent?, context: IngestContext, memo: LabelKeyMemo?,
        value: (EventField) -> JSONValue?, addMembers: (inout ExtraFields) -> Void
    ) throws(EventError) -> StoredEvent {
        var redactions = 0
        /// The winning value's UTF-8 in a flat event, when it is a string.
        func utf8(_ field: EventField) -> (start: Int32, bytes: UnsafeBufferPointer<UInt8>)? {
            guard let flat, let index = fields.member(field), case .text = flat.members[index].value else { return nil }
            return (flat.members[index].valueStart, flat.valueText(at: index))
        }
        /// Points into the event's bytes (``StoredText/raw(start:count:)``).
        var usesSource = false
        /// ``text(_:)`` as stored: a flat event's string in place when nothing in it is redacted.
        func storedText(_ field: EventField) -> StoredText? {
            if let (start, bytes) = utf8(field), !StringValueRedaction.mayRedact(bytes) {
                usesSource = true
                return .raw(start: start, count: Int32(bytes.count))
            }
            return text(field).map(StoredText.string)
        }
        /// Every stored string but the event id goes through the redaction (a card number or a
        /// DSN can turn up as a logger name or a host as easily as in a label).
        func text(_ field: EventField) -> String? {
            guard let text = value(field)?.scalarText else { return nil }
            return redactedText(text)
        }
        func redactedText(_ text: String) -> String {
            guard let (result, count) = StringValueRedaction.redact(text) else { return text }
            redactions += count
            return result
        }

        let id: StoredEventID
        if let candidate = fields[.eventID], let given = value(.eventID) {
            id = .client(try Self.clientID(given, alias: candidate.alias))
        } else {
            let millis = Self.floorDivide(context.receivedAtMicros, 1000)
            id = .generated(memo.map { $0.eventIDs.next(nowMillis: millis) } ?? EventID.nextUUIDv7(nowMillis: millis))
        }

        var timestamp = context.receivedAtMicros
        var originalTimestamp: String?
        if fields[.time] != nil {
            let parsed = if let (_, bytes) = utf8(.time) { Timestamp.parse(utf8: bytes) } else { value(.time).flatMap(Timestamp.parse) }
            if let parsed, parsed <= context.receivedAtMicros + futureToleranceMicros {
                timestamp = parsed
            } else {
                originalTimestamp = text(.time)
            }
        }

        var level = Level.info
        var originalLevel: String?
        if fields[.level] != nil {
            let parsed = if let (_, bytes) = utf8(.level) { Level(parsingUTF8: bytes) } else { value(.level).flatMap(Level.init(parsing:)) }
            if let parsed { level = parsed } else { originalLevel = text(.level) }
        }

        var message: StoredText?
        var truncated = false
        if let (start, bytes) = utf8(.message), bytes.count <= maxMessageBytes, !StringValueRedaction.mayRedact(bytes) {
            usesSource = true
            message = .raw(start: start, count: Int32(bytes.count))
        } else if let given = value(.message) {
            var text = given.stringValue ?? given.jsonString
            if let (masked, count) = StringValueRedaction.redact(text) {
                text = masked
                redactions += count
            }
            if let cut = MessageText.truncated(text, maxBytes: maxMessageBytes) {
                text = cut
                truncated = true
            }
            message = .string(text)
        }

        let service = text(.service) ?? context.serviceName
        let environment = text(.environment) ?? defaultEnvironment
        let dataset = text(.dataset) ?? service

        var error = ErrorFields(type: value(.errorType)?.scalarText, message: value(.errorMessage)?.scalarText)
        var exceptionRemainder: JSONValue?
        if let stack = value(.errorStack) {
            exceptionRemainder = error.take(stack: stack)
        }
        redactions += error.complete()

        var extra = ExtraFields(limits: limits, secrets: secrets, memo: memo)
        if let flat, let index = fields.member(.shopID), !flat.members[index].value.isBool {
            extra.addLabel(flat: flat, member: index, facts: shopIDLabel)
        } else if let shop = text(.shopID) {
            extra.addLabel(facts: shopIDLabel, value: .string(shop))
        }
        addMembers(&extra)
        if let exceptionRemainder { extra.add(key: "exception", value: exceptionRemainder) }
        redactions += extra.redactions

        let document = StoredDocument(
            timestampMicros: timestamp, id: id, ingested: memo?.ingested(context) ?? context.ingested, dataset: dataset,
            originalTimestamp: originalTimestamp, truncated: truncated, droppedKeys: extra.dropped,
            flattenedValues: extra.flattened, level: level, logger: storedText(.logger), originalLevel: originalLevel,
            service: service, environment: environment, host: storedText(.host), message: message,
            traceID: storedText(.traceID), spanID: storedText(.spanID), requestID: storedText(.requestID),
            userID: storedText(.userID), errorType: error.type, errorMessage: error.message, errorStackTrace: error.stackTrace,
            labels: extra.labels, attributes: extra.attributes, clientIP: context.clientAddress)
        return StoredEvent(
            id: id, timestampMicros: timestamp, redactions: redactions, overflowKeys: extra.dropped + extra.flattened,
            document: document, source: (usesSource || extra.usesSource ? flat?.bytes : nil) ?? UnsafeBufferPointer(start: nil, count: 0))
    }

    private static func clientID(_ value: JSONValue, alias: StaticString) throws(EventError) -> String {
        let got: String
        switch value {
        case .string(let s) where EventID.isValidClientID(s):
            return s
        case .string(let s) where s.isEmpty:
            got = "an empty string"
        case .string(let s) where s.utf8.count > EventID.maximumClientIDLength:
            got = "\(s.count) characters"
        case .string:
            got = "a string with other characters"
        default:
            got = value.kindDescription
        }
        throw EventError(
            code: EventError.invalidEventID,
            message: "`\(alias)` is the event id and must be a string of 1 to \(EventID.maximumClientIDLength) characters "
                + "from [A-Za-z0-9_-] (a UUID or ULID), got \(got); send a valid id or leave it out and the hub assigns one")
    }

    /// An ECS object without the members the field table took (`log` minus `level`), or `nil`
    /// when nothing is left. `claimed` are paths inside this member.
    private static func remainder(of value: JSONValue, without claimed: [MemberPath]) -> JSONValue? {
        guard case .object(let object) = value else { return value }
        var out = JSONObject(minimumCapacity: object.count)
        for (index, member) in object.members.enumerated() {
            let second = Int32(index)
            var whole = false
            var nested = false
            for path in claimed where path.second == second {
                if path.third < 0 { whole = true } else { nested = true }
            }
            if whole { continue }
            if nested, case .object(let inner) = member.value {
                var innerOut = JSONObject(minimumCapacity: inner.count)
                for (innerIndex, innerMember) in inner.members.enumerated()
                where !claimed.contains(where: { $0.second == second && $0.third == Int32(innerIndex) }) {
                    innerOut.append(innerMember.key, innerMember.value)
                }
                if !innerOut.isEmpty { out.append(member.key, .object(innerOut)) }
                continue
            }
            out.append(member.key, member.value)
        }
        return out.isEmpty ? nil : .object(out)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a - b + 1) / b
    }
}
