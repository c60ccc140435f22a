import HubKit
import Hummingbird
import Identity
import LogModel
import Logging
import NIOCore
import Search
import ServiceLifecycle

/// `GET /api/v1/logs/tail?q=`: Server-Sent Events with each matching event as the intake accepts
/// it (`event: event`, `id:` = its spool offset), a comment heartbeat every 15 s, `event: gap` when
/// a resume point is no longer held, and `event: cut` (then the end) for a client too slow to keep up.
struct TailRoute {
    let tail: LiveTail?
    let accessLog: SearchAccessLog
    let logger: Logger

    func register(on routes: HubRoutes) {
        routes.staff(.get, "/api/v1/logs/tail", .logsRead) { request, call in try await open(request, call) }
    }

    func open(_ request: Request, _ call: StaffCall) async throws -> Response {
        let p = SearchParameters(request)
        let query = try p.query()
        guard let tail else { throw Refusal.json(.serviceUnavailable, "tail_unavailable", "live tail is not running") }
        let lastEventID = request.headers[HTTPFields.Element.Name("Last-Event-ID")!].flatMap { UInt64($0) }
            ?? p.parameters["last_event_id"].flatMap { UInt64($0) }
        let logID: Int64
        do {
            logID = try await accessLog.record(.init(action: "tail", query: p.queryText, range: nil, hits: 0, backend: "intake"), by: call.principal)
        } catch {
            throw Refusal.json(.serviceUnavailable, "access_log_unavailable", "the search access log cannot be written, so no data is shown: \(error)")
        }
        let subscriber = tail.subscribe(QueryMatcher(query, nowMicros: p.nowMicros), lastEventID: lastEventID)
        let accessLog = self.accessLog, logger = self.logger
        let body = ResponseBody { writer in
            defer { tail.unsubscribe(subscriber) }
            do {
                try await writer.write(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
                // A tail never ends by itself: on shutdown it ends so the server can drain.
                try await withGracefulShutdownHandler {
                    while true {
                        let batch = await subscriber.nextBatch()
                        if batch.isEmpty { break }
                        var buffer = ByteBuffer()
                        for message in batch { Self.frame(message, into: &buffer) }
                        try await writer.write(buffer)
                        subscriber.didSend(batch)
                    }
                } onGracefulShutdown: {
                    subscriber.finish()
                }
                try await writer.finish(nil)
            } catch {
                // The client went away: nothing to answer.
            }
            do { try await accessLog.updateHits(id: logID, hits: subscriber.delivered) } catch {
                logger.warning("could not record a tail's size", metadata: ["error": "\(error)"])
            }
        }
        return Response(status: .ok, headers: [
            .contentType: "text/event-stream", .cacheControl: "no-cache", HTTPFields.Element.Name("X-Accel-Buffering")!: "no",
        ], body: body)
    }

    /// Appends one message as Server-Sent Events lines.
    static func frame(_ message: TailMessage, into buffer: inout ByteBuffer) {
        switch message {
        case .event(let offset, let json):
            buffer.writeString("id: \(offset)\nevent: event\ndata: ")
            buffer.writeBytes(json)
            buffer.writeString("\n\n")
        case .heartbeat:
            buffer.writeString(": heartbeat\n\n")
        case .gap(let reason):
            buffer.writeString("event: gap\ndata: ")
            buffer.writeBytes(JSONValue.object(["message": .string(reason)]).serialized())
            buffer.writeString("\n\n")
        case .cut(let reason):
            buffer.writeString("event: cut\ndata: ")
            buffer.writeBytes(JSONValue.object(["message": .string(reason)]).serialized())
            buffer.writeString("\n\n")
        }
    }
}
