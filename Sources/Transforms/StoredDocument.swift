import LogModel

/// The stored document's parts as the normaliser decided them. Its JSON is written straight from
/// these fields with the fixed keys as literals (``write(into:)``), which saves building and
/// freeing a dozen small `JSONObject`s per event on the ingest path; ``object`` builds the same
/// document as a tree for callers that want to read it. Both give the same members in the same
/// order (the contract's).
///
/// Strings that an event sent and that go in unchanged are kept as their place in the event's own
/// bytes (``StoredText/raw(start:count:)``), which the document does not hold: whoever holds the
/// document holds those bytes too and passes them as `source` (``StoredEvent``, borrowed on the
/// ingest path; ``NormalizedEvent``, a copy). See ``StoredText``.
struct StoredDocument: Sendable, Equatable {
    /// `@timestamp` in µs: formatted straight into the written document (making a `String` of it
    /// first cost an allocation per event).
    var timestampMicros: Int64
    var id: StoredEventID
    var ingested: String
    var dataset: String
    var originalTimestamp: String?
    var truncated: Bool
    var droppedKeys: Int
    var flattenedValues: Int
    var level: Level
    var logger: StoredText?
    var originalLevel: String?
    var service: String
    var environment: String
    var host: StoredText?
    var message: StoredText?
    var traceID: StoredText?
    var spanID: StoredText?
    var requestID: StoredText?
    var userID: StoredText?
    var errorType: String?
    var errorMessage: String?
    var errorStackTrace: String?
    var labels: StoredLabels
    var attributes: JSONObject
    var clientIP: String?

    /// The document as a tree; `source`: the bytes its raw texts point into.
    func object(source: UnsafeBufferPointer<UInt8>) -> JSONObject {
        func string(_ text: StoredText) -> JSONValue { .string(text.string(in: source)) }
        var document = JSONObject(minimumCapacity: 16)
        document.append("@timestamp", .string(Timestamp.format(micros: timestampMicros)))

        var event = JSONObject(minimumCapacity: 4)
        event.append("id", .string(id.text))
        event.append("ingested", .string(ingested))
        event.append("dataset", .string(dataset))
        if let originalTimestamp { event.append("original_timestamp", .string(originalTimestamp)) }
        if truncated { event.append("truncated", .bool(true)) }
        if droppedKeys > 0 { event.append("dropped_keys", .int(Int64(droppedKeys))) }
        if flattenedValues > 0 { event.append("flattened_values", .int(Int64(flattenedValues))) }
        document.append("event", .object(event))

        var log = JSONObject(minimumCapacity: 2)
        log.append("level", .string(level.name))
        if let logger { log.append("logger", string(logger)) }
        if let originalLevel { log.append("original_level", .string(originalLevel)) }
        document.append("log", .object(log))

        document.append("service", Self.object(.init("name", .string(service)), .init("environment", .string(environment))))
        if let host { document.append("host", Self.object(.init("name", string(host)))) }
        if let message { document.append("message", string(message)) }
        if let traceID { document.append("trace", Self.object(.init("id", string(traceID)))) }
        if let spanID { document.append("span", Self.object(.init("id", string(spanID)))) }
        if let requestID {
            document.append("http", Self.object(.init("request", Self.object(.init("id", string(requestID))))))
        }
        if let userID { document.append("user", Self.object(.init("id", string(userID)))) }
        if errorType != nil || errorMessage != nil || errorStackTrace != nil {
            var error = JSONObject(minimumCapacity: 3)
            if let errorType { error.append("type", .string(errorType)) }
            if let errorMessage { error.append("message", .string(errorMessage)) }
            if let errorStackTrace { error.append("stack_trace", .string(errorStackTrace)) }
            document.append("error", .object(error))
        }
        if !labels.isEmpty { document.append("labels", .object(labels.object(source: source))) }
        if !attributes.isEmpty { document.append("attributes", .object(attributes)) }
        if let clientIP { document.append("ingest", Self.object(.init("client_ip", .string(clientIP)))) }
        return document
    }

    /// Writes the compact JSON of ``object(source:)`` without building it. Keep the two in step:
    /// the normaliser tests compare them.
    func write(into out: inout JSONByteBuffer, source: UnsafeBufferPointer<UInt8>) {
        out.appendRaw(#"{"@timestamp":"#)
        out.appendTimestamp(micros: timestampMicros)
        out.appendRaw(#","event":{"id":"#)
        id.write(into: &out)
        out.appendRaw(#","ingested":"#)
        out.appendPlainString(ingested)  // Timestamp.format's
        out.appendRaw(#","dataset":"#)
        out.appendString(dataset)
        if let originalTimestamp {
            out.appendRaw(#","original_timestamp":"#)
            out.appendString(originalTimestamp)
        }
        if truncated { out.appendRaw(#","truncated":true"#) }
        if droppedKeys > 0 {
            out.appendRaw(#","dropped_keys":"#)
            out.appendInt(Int64(droppedKeys))
        }
        if flattenedValues > 0 {
            out.appendRaw(#","flattened_values":"#)
            out.appendInt(Int64(flattenedValues))
        }
        out.appendRaw(#"},"log":{"level":"#)
        out.appendPlainString(level.name)
        if let logger {
            out.appendRaw(#","logger":"#)
            out.append(logger, from: source)
        }
        if let originalLevel {
            out.appendRaw(#","original_level":"#)
            out.appendString(originalLevel)
        }
        out.appendRaw(#"},"service":{"name":"#)
        out.appendString(service)
        out.appendRaw(#","environment":"#)
        out.appendString(environment)
        out.appendRaw("}")
        if let host {
            out.appendRaw(#","host":{"name":"#)
            out.append(host, from: source)
            out.appendRaw("}")
        }
        if let message {
            out.appendRaw(#","message":"#)
            out.append(message, from: source)
        }
        if let traceID {
            out.appendRaw(#","trace":{"id":"#)
            out.append(traceID, from: source)
            out.appendRaw("}")
        }
        if let spanID {
            out.appendRaw(#","span":{"id":"#)
            out.append(spanID, from: source)
            out.appendRaw("}")
        }
        if let requestID {
            out.appendRaw(#","http":{"request":{"id":"#)
            out.append(requestID, from: source)
            out.appendRaw("}}")
        }
        if let userID {
            out.appendRaw(#","user":{"id":"#)
            out.append(userID, from: source)
            out.appendRaw("}")
        }
        if errorType != nil || errorMessage != nil || errorStackTrace != nil {
            out.appendRaw(#","error":{"#)
            var first = true
            if let errorType {
                out.appendRaw(#""type":"#)
                out.appendString(errorType)
                first = false
            }
            if let errorMessage {
                if first { out.appendRaw(#""message":"#) } else { out.appendRaw(#","message":"#) }
                out.appendString(errorMessage)
                first = false
            }
            if let errorStackTrace {
                if first { out.appendRaw(#""stack_trace":"#) } else { out.appendRaw(#","stack_trace":"#) }
                out.appendString(errorStackTrace)
            }
            out.appendRaw("}")
        }
        if !labels.isEmpty {
            out.appendRaw(#","labels":"#)
            labels.write(into: &out, source: source)
        }
        if !attributes.isEmpty {
            out.appendRaw(#","attributes":"#)
            out.appendObject(attributes)
        }
        if let clientIP {
            out.appendRaw(#","ingest":{"client_ip":"#)
            out.appendString(clientIP)
            out.appendRaw("}")
        }
        out.appendRaw("}")
    }

    /// A small object in one allocation (a dictionary literal would build the array twice).
    @inline(__always)
    private static func object(_ members: JSONObject.Member...) -> JSONValue {
        .object(JSONObject(members))
    }
}
