import Foundation
import HubKit
import Identity
import Hummingbird
import LogModel
import Logging
import NIOCore
import Search

/// `GET /api/v1/logs/export?q=&from=&to=&format=ndjson|csv`: every matching event, streamed page by
/// page (1,000 at a time, never the whole result in memory), oldest first unless `order=desc`,
/// bounded by `search.export_max_events`. When the bound cuts it the stream ends with a marker:
/// NDJSON `{"export":"truncated",…}`, CSV a last line `# truncated: …`.
struct ExportRoute {
    let backends: SearchBackends
    let accessLog: SearchAccessLog
    let maxEvents: Int
    let logger: Logger

    static let pageSize = 1000
    static let csvColumns = ["@timestamp", "event.id", "log.level", "service.name", "host.name", "log.logger", "trace.id",
                             "error.type", "message", "labels"]

    func register(on routes: HubRoutes) {
        routes.staff(.get, "/api/v1/logs/export", .logsRead) { request, call in try await export(SearchParameters(request), call) }
    }

    func export(_ p: SearchParameters, _ call: StaffCall) async throws -> Response {
        let format = p.parameters["format"] ?? "ndjson"
        guard format == "ndjson" || format == "csv" else { throw Refusal.json(.badRequest, "invalid_format", "'format' is ndjson or csv") }
        let ascending = p.parameters["order"] == nil ? true : try p.ascending()
        let spec = SearchRequestSpec(query: try p.query(), range: try p.range(), size: min(Self.pageSize, maxEvents), cursor: nil,
                                     ascending: ascending, wantsTotal: false, nowMicros: p.nowMicros)
        // The first page picks the store (and fails as a normal JSON error before anything is streamed).
        let (first, backendName) = try await backends.run(only: try p.backend()) { try await $0.search(spec) }
        guard let backend = backends.backend(named: backendName) else { throw Refusal.json(.serviceUnavailable, "no_search_backend", "no store") }
        let logID = try await auditStart(p, spec.range, backendName, call)
        let limit = maxEvents, accessLog = self.accessLog, logger = self.logger
        let filename = "logs-export.\(format)"
        let body = ResponseBody { writer in
            var spec = spec
            var written = 0
            var page = first
            if format == "csv" { try await writer.write(ByteBuffer(string: Self.csvColumns.joined(separator: ",") + "\r\n")) }
            var cut = false
            while true {
                var chunk: [UInt8] = []
                for hit in page.hits {
                    if written == limit { cut = true; break }
                    if format == "csv" { Self.csvLine(hit, into: &chunk) } else { hit.write(into: &chunk); chunk.append(0x0A) }
                    written += 1
                }
                try await writer.write(ByteBuffer(bytes: chunk))
                guard !cut, let next = page.nextCursor else { break }
                if written == limit { cut = true; break }
                spec.cursor = next
                spec.size = min(Self.pageSize, limit - written + 1)
                page = try await backend.search(spec)
            }
            if cut {
                let message = "export stopped at \(limit) events (search.export_max_events); narrow the query or the time range"
                let marker: String = format == "csv" ? "# truncated: \(message)\r\n"
                    : JSONValue.object(["export": "truncated", "events": .int(Int64(written)), "message": .string(message)]).jsonString + "\n"
                try await writer.write(ByteBuffer(string: marker))
            }
            try await writer.finish(nil)
            do { try await accessLog.updateHits(id: logID, hits: written) } catch {
                logger.warning("could not record an export's size", metadata: ["error": "\(error)"])
            }
        }
        return Response(status: .ok, headers: [
            .contentType: format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
            .contentDisposition: "attachment; filename=\"\(filename)\"",
        ], body: body)
    }

    private func auditStart(_ p: SearchParameters, _ range: TimeRange, _ backend: String, _ call: StaffCall) async throws -> Int64 {
        do {
            return try await accessLog.record(.init(action: "export", query: p.queryText, range: range, hits: 0, backend: backend), by: call.principal)
        } catch {
            throw Refusal.json(.serviceUnavailable, "access_log_unavailable", "the search access log cannot be written, so no data is shown: \(error)")
        }
    }

    static func csvLine(_ hit: JSONValue, into out: inout [UInt8]) {
        let fields = csvColumns.map { column -> String in
            if column == "labels" { return hit["labels"].map { $0.jsonString } ?? "" }
            if column == "@timestamp" || column == "message" { return hit[column]?.stringValue ?? "" }
            return column.split(separator: ".").reduce(Optional(hit)) { $0?[String($1)] }?.stringValue ?? ""
        }
        out.append(contentsOf: fields.map(csvField).joined(separator: ",").utf8)
        out.append(contentsOf: [0x0D, 0x0A])
    }

    /// RFC 4180 quoting; a leading `= + - @` is prefixed with `'` so a spreadsheet never runs it.
    static func csvField(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
