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
    /// - Parameter admit: asked with the number of valid events before anything is spooled; returns
    ///   the seconds to wait when a rate limit refuses them (the whole request is then refused).
    public func ingest(
        body: ByteBuffer, contentType: String?, contentEncoding: String?, context: IngestContext,
        reportEveryError: Bool = false, admit: (Int) -> Int? = { _ in nil }
    ) async throws(IngestFailure) -> IngestReceipt {
        var batch: IngestBatch
        // Inputs that answer per item (Elasticsearch `_bulk`) need every error, not the first 100.
        var limits = self.limits
        if reportEveryError { limits.maxReportedErrors = .max }
        do {
            batch = try BodyDecoder.decodeAndNormalize(body, contentType: contentType, contentEncoding: contentEncoding,
                                                       limits: limits, normalizer: normalizer, context: context)
        } catch {
            count(rejectedReason: error.code, by: 1, service: context.serviceName)
            throw .invalidRequest(error)
        }
        let payloads = batch.spoolRecords(limit: spool.maxRecordBytes, maxReportedErrors: limits.maxReportedErrors)
        for (code, n) in batch.rejectedByCode { count(rejectedReason: code, by: n, service: context.serviceName) }
        if batch.redactions > 0 { redactionsCounter.increment(by: batch.redactions) }

        guard !batch.events.isEmpty else {
            return IngestReceipt(accepted: 0, rejected: batch.rejected, errors: batch.errors)
        }
        if let retryAfter = admit(batch.events.count) {
            count(rejectedReason: "rate_limited", by: batch.events.count, service: context.serviceName)
            throw .rateLimited(retryAfterSeconds: retryAfter)
        }
        do {
            _ = try await spool.append(payloads)
        } catch {
            if case .full(_, _, let retryAfter) = error {
                count(rejectedReason: "spool_full", by: batch.events.count, service: context.serviceName)
                throw .spoolFull(retryAfterSeconds: retryAfter)
            }
            if error.isNoSpaceLeft {
                logger.error("spool volume is full: intake answers 503 until the sinks free space", metadata: ["error": "\(error)"])
                count(rejectedReason: "disk_full", by: batch.events.count, service: context.serviceName)
                throw .diskFull
            }
            logger.error("spool append failed", metadata: ["error": "\(error)"])
            count(rejectedReason: "spool_error", by: batch.events.count, service: context.serviceName)
            throw .spoolUnavailable("\(error)")
        }
        Counter(label: "admin_ingest_events_total", dimensions: [("outcome", "accepted"), ("reason", "")]).increment(by: batch.events.count)
        rates.add(batch.events.count, to: "accepted/" + context.serviceName)
        return IngestReceipt(accepted: batch.events.count, rejected: batch.rejected, errors: batch.errors)
    }

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
