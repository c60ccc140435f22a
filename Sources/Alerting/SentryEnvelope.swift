public import LogModel

/// Builds the envelope for one log event (protocols.md 1.3–1.5): one `event` item whose
/// `event_id` is derived from the log's id (a retry or a second hub node sends the same id and
/// Sentry drops the duplicate), the traceback as `exception.values`, the level mapped, the tags,
/// `contexts.trace`, the fingerprint, and the item kept under 1 MB by trimming the stack from the
/// middle, then the context lines, then the texts: the event itself is never dropped.
public enum SentryEnvelope {
    public static let maximumItemBytes = 1_000_000

    /// 32 lowercase hex characters from the log event's id.
    public static func eventID(for logEventID: String) -> String {
        Fingerprint.digestHex(Array(("sentry-event:" + logEventID).utf8))
    }

    /// Sentry's levels: `fatal`, `error`, `warning`, `info`, `debug`.
    public static func level(_ level: Level) -> String {
        switch level {
        case .trace, .debug: return "debug"
        case .info, .notice: return "info"
        case .warning: return "warning"
        case .error: return "error"
        case .critical, .alert, .emergency: return "fatal"
        }
    }

    /// `error` when the event has an exception, else `default` (what Relay counts it as).
    public static func category(of event: AlertEvent) -> String {
        (event.errorType != nil || event.stackTrace != nil) ? "error" : "default"
    }

    /// The event payload as JSON. `suppressed`: events of the group not sent since the last one.
    public static func payload(for event: AlertEvent, fingerprint: String, suppressed: Int64 = 0,
                               maxFrames: Int = .max, contextLines: Bool = true, textLimit: Int = 8192) -> JSONValue {
        let id = eventID(for: event.id)
        var exceptions = event.stackTrace.map(PythonTraceback.parse) ?? []
        if exceptions.isEmpty, let type = event.errorType {
            exceptions = [PythonTraceback.Exception(type: type, value: event.errorMessage ?? "", module: nil, frames: [])]
        }
        var payload = JSONObject()
        payload.append("event_id", .string(id))
        payload.append("timestamp", .double(Double(event.timestampMillis) / 1000))
        payload.append("platform", .string(exceptions.contains { !$0.frames.isEmpty } ? "python" : "other"))
        payload.append("level", .string(level(event.level)))
        if !event.logger.isEmpty { payload.append("logger", .string(String(event.logger.prefix(64)))) }
        if let host = event.host { payload.append("server_name", .string(host)) }
        if let release = event.release { payload.append("release", .string(release)) }
        payload.append("environment", .string(String(event.environment.prefix(64))))
        payload.append("logentry", ["formatted": .string(String(event.message.prefix(textLimit)))])
        if !exceptions.isEmpty {
            let values: [JSONValue] = exceptions.map { exception in
                var value: JSONObject = ["type": .string(exception.type), "value": .string(String(exception.value.prefix(textLimit)))]
                if let module = exception.module { value.append("module", .string(module)) }
                var frames = exception.frames
                if frames.count > maxFrames {
                    // Trim from the middle: the entry point and the crashing frames matter most.
                    let head = maxFrames / 2
                    frames = Array(frames.prefix(head)) + Array(frames.suffix(maxFrames - head))
                }
                if !frames.isEmpty {
                    let list: [JSONValue] = frames.map { frame in
                        var f: JSONObject = ["filename": .string(frame.filename), "function": .string(frame.function),
                                             "lineno": .int(Int64(frame.lineno)),
                                             "in_app": .bool(!frame.filename.contains("site-packages") && !frame.filename.contains("/lib/python"))]
                        if contextLines, let line = frame.contextLine { f.append("context_line", .string(String(line.prefix(1000)))) }
                        return .object(f)
                    }
                    value.append("stacktrace", ["frames": .array(list)])
                }
                value.append("mechanism", ["type": "logging", "handled": true])
                return .object(value)
            }
            payload.append("exception", ["values": .array(values)])
        }
        var tags: JSONObject = ["service": .string(String(event.service.prefix(200))), "environment": .string(String(event.environment.prefix(200)))]
        if !event.logger.isEmpty { tags.append("logger", .string(String(event.logger.prefix(200)))) }
        if let shop = event.labels["shop_id"] { tags.append("shop_id", .string(String(shop.prefix(200)))) }
        if let request = event.requestID { tags.append("request_id", .string(String(request.prefix(200)))) }
        payload.append("tags", .object(tags))
        var extra: JSONObject = ["log_event_id": .string(event.id)]
        if suppressed > 0 { extra.append("suppressed_since_last", .int(suppressed)) }
        payload.append("extra", .object(extra))
        if let trace = event.traceID {
            var t: JSONObject = ["trace_id": .string(trace)]
            if let span = event.spanID { t.append("span_id", .string(span)) }
            payload.append("contexts", ["trace": .object(t)])
        }
        payload.append("fingerprint", .array((event.fingerprint ?? [fingerprint]).map(JSONValue.string)))
        if let user = event.userID { payload.append("user", ["id": .string(user)]) }
        return .object(payload)
    }

    /// The whole envelope body; `sentAt` is written here, once per attempt (never stored).
    public static func build(for event: AlertEvent, fingerprint: String, suppressed: Int64 = 0, sentAt: String) -> [UInt8] {
        var item = payload(for: event, fingerprint: fingerprint, suppressed: suppressed).serialized()
        var frames = 256
        while item.count > maximumItemBytes, frames >= 2 {
            frames /= 2
            item = payload(for: event, fingerprint: fingerprint, suppressed: suppressed, maxFrames: frames, contextLines: frames > 16).serialized()
        }
        if item.count > maximumItemBytes {
            item = payload(for: event, fingerprint: fingerprint, suppressed: suppressed, maxFrames: 2, contextLines: false, textLimit: 1024).serialized()
        }
        let header: JSONValue = ["event_id": .string(eventID(for: event.id)), "sent_at": .string(sentAt)]
        let itemHeader: JSONValue = ["type": "event", "length": .int(Int64(item.count)), "content_type": "application/json"]
        var out = header.serialized()
        out.append(10)
        out.append(contentsOf: itemHeader.serialized())
        out.append(10)
        out.append(contentsOf: item)
        out.append(10)
        return out
    }
}
