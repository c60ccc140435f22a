import Intake
import LogModel
import Logging
import Metrics
import NIOCore
import Spool
import Transforms

/// The intake half of the pipeline: decode a request body, normalise each event, append the
/// accepted ones to the spool and return only once they are on disk ("accepted means durable").
public final class IngestService: Sendable {
    private let spool: Spool
    private let normalizer: EventNormalizer
    public let limits: IngestLimits
    private let logger: Logger

    private let redactionsCounter = Counter(label: "admin_redactions_total")
    /// Events accepted and rejected per second, by service (`accepted/<service>`, `rejected/<service>`), for the status page.
    public let rates = RateCounter()

    public init(spool: Spool, normalizer: EventNormalizer, limits: IngestLimits, logger: Logger) {
        self.spool = spool
        self.normalizer = normalizer
        self.limits = limits
        self.logger = logger
    }

    /// Decodes, normalises and spools one request.
    /// - Throws: `IngestFailure` when the request as a whole cannot be taken (nothing is stored then).
    /// - Parameter countsRefusal: false when an input offers again a batch the spool refused before
    ///   (a TCP listener holds it and retries): it was counted as rejected the first time.
    /// - Parameter admit: asked with the number of valid events before anything is spooled; returns
    ///   the seconds to wait when a rate limit refuses them (the whole request is then refused).
    public func ingest(
        body: ByteBuffer, contentType: String?, contentEncoding: String?, context: IngestContext,
        reportEveryError: Bool = false, countsRefusal: Bool = true, admit: (Int) -> Int? = { _ in nil }
    ) async throws(IngestFailure) -> IngestReceipt {
        // Inputs that answer per item (Elasticsearch `_bulk`) need every error, not the first 100.
        var limits = self.limits
        if reportEveryError { limits.maxReportedErrors = .max }
        let request: DecodedRequest
        do {
            request = try await decode(body, contentType: contentType, contentEncoding: contentEncoding, limits: limits, context: context)
        } catch {
            count(rejectedReason: error.code, by: 1, service: context.serviceName)
            throw .invalidRequest(error)
        }
        for (code, n) in request.rejectedByCode { count(rejectedReason: code, by: n, service: context.serviceName) }
        if request.redactions > 0 { redactionsCounter.increment(by: request.redactions) }
        let frames = request.frames

        guard !frames.isEmpty else {
            return IngestReceipt(accepted: 0, rejected: request.rejected, errors: request.errors)
        }
        if let retryAfter = admit(frames.count) {
            count(rejectedReason: "rate_limited", by: frames.count, service: context.serviceName)
            throw .rateLimited(retryAfterSeconds: retryAfter)
        }
        do {
            _ = try await spool.append(frames)
        } catch {
            if case .full(_, _, let retryAfter) = error {
                if countsRefusal { count(rejectedReason: "spool_full", by: frames.count, service: context.serviceName) }
                throw .spoolFull(retryAfterSeconds: retryAfter)
            }
            if error.isNoSpaceLeft {
                logger.error("spool volume is full: intake answers 503 until the sinks free space", metadata: ["error": "\(error)"])
                if countsRefusal { count(rejectedReason: "disk_full", by: frames.count, service: context.serviceName) }
                throw .diskFull
            }
            logger.error("spool append failed", metadata: ["error": "\(error)"])
            if countsRefusal { count(rejectedReason: "spool_error", by: frames.count, service: context.serviceName) }
            throw .spoolUnavailable("\(error)")
        }
        Counter(label: "admin_ingest_events_total", dimensions: [("outcome", "accepted"), ("reason", "")]).increment(by: frames.count)
        rates.add(frames.count, to: "accepted/" + context.serviceName)
        return IngestReceipt(accepted: frames.count, rejected: request.rejected, errors: request.errors)
    }

    /// Large NDJSON bodies are cut at line ends and the pieces decoded on all cores at once (the
    /// first on the caller's task); the rest in one go on the caller's task.
    private func decode(
        _ body: ByteBuffer, contentType: String?, contentEncoding: String?, limits: IngestLimits, context: IngestContext
    ) async throws(IngestError) -> DecodedRequest {
        let recordLimit = spool.maxRecordBytes
        let normalizer = self.normalizer
        @Sendable func decodePiece(_ piece: ByteBuffer) throws(IngestError) -> DecodedRequest {
            // This worker thread may have been created from a best-effort reader's lowered thread.
            ThreadPriority.restoreNormal()
            return try DecodedRequest(decoding: piece, contentType: contentType, limits: limits, recordLimit: recordLimit,
                                      normalizer: normalizer, context: context)
        }
        let pieces = try BodyDecoder.split(body, contentType: contentType, contentEncoding: contentEncoding, limits: limits,
                                           parts: Self.parallelPieces, minimumPartBytes: Self.minimumPieceBytes)
        if pieces.count == 1 { return try decodePiece(pieces[0]) }
        // The pieces are plain NDJSON that already passed the request's checks: decoding one cannot fail as a whole.
        let decoded = await withTaskGroup(of: (Int, Result<DecodedRequest, IngestError>).self) { group in
            for (i, piece) in pieces.enumerated().dropFirst() {
                group.addTask { (i, Result { () throws(IngestError) in try decodePiece(piece) }) }
            }
            var results = [Result<DecodedRequest, IngestError>?](repeating: nil, count: pieces.count)
            results[0] = Result { () throws(IngestError) in try decodePiece(pieces[0]) }
            for await (i, result) in group { results[i] = result }
            return results
        }
        var request = DecodedRequest()
        for result in decoded { request.append(try result!.get(), maxReportedErrors: limits.maxReportedErrors) }
        return request
    }

    /// One piece per core; below 64 KiB (~180 typical events) a piece costs more to hand over than it saves.
    private static let parallelPieces = System.coreCount
    private static let minimumPieceBytes = 64 << 10

    private func count(rejectedReason reason: String, by n: Int, service: String) {
        rates.add(n, to: "rejected/" + service)
        Counter(label: "admin_ingest_events_total", dimensions: [("outcome", "rejected"), ("reason", reason)]).increment(by: n)
    }
}

/// What the contract's 202/400 body reports.
public struct IngestReceipt: Sendable {
    public var accepted: Int
    public var rejected: Int
    public var errors: [IndexedEventError]
}

/// Why a whole request was refused. Nothing of it was stored.
public enum IngestFailure: Error, Sendable {
    /// The body itself (media type, size, gzip): 4xx from the error.
    case invalidRequest(IngestError)
    /// Over the spool bound: 503 + Retry-After.
    case spoolFull(retryAfterSeconds: Int)
    /// The spool's volume has no space left (ENOSPC), below the spool's own bound: 503 + Retry-After.
    /// Nothing of the request was written; space returns as the sinks deliver and segments are deleted.
    case diskFull
    /// The disk refused the write: 503.
    case spoolUnavailable(String)
    /// The token is over its events/s budget: 429 + Retry-After.
    case rateLimited(retryAfterSeconds: Int)
}
