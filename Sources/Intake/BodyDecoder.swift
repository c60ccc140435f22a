import LogModel
import NIOCore
import Transforms

/// Reads the events out of an ingest request body (see ``EventFraming`` for the layout rules).
///
/// Whole-request problems (media type, encoding, size, broken gzip) throw ``IngestError``;
/// problems with single events are returned per index and never fail the request.
public enum BodyDecoder {
    /// Parses and normalises every event of `body` in one pass (no intermediate list of raw
    /// events): what the ingest endpoint spools and answers.
    public static func decodeAndNormalize(
        _ body: ByteBuffer, contentType: String?, contentEncoding: String?, limits: IngestLimits = IngestLimits(),
        normalizer: EventNormalizer, context: IngestContext
    ) throws(IngestError) -> IngestBatch {
        let bytes = try plainBody(body, contentType: contentType, contentEncoding: contentEncoding, limits: limits)
        var batch = IngestBatch()
        func reject(_ index: Int, _ error: EventError) {
            batch.rejected += 1
            batch.rejectedByCode[error.code, default: 0] += 1
            if batch.errors.count < limits.maxReportedErrors {
                batch.errors.append(IndexedEventError(index: index, error: error))
            }
        }
        _ = bytes.body.withUnsafeReadableBytes { buffer in
            // ~350 bytes per event is typical; reserving avoids regrowing a large array.
            batch.events.reserveCapacity(min(buffer.count / 256 + 1, 65_536))
            return EventFraming.forEachEvent(in: buffer, format: bytes.format, limits: limits) { index, result in
                switch result {
                case .success(let object):
                    do throws(EventError) {
                        let event = try normalizer.normalize(object, context: context)
                        batch.redactions += event.redactions
                        batch.overflowKeys += event.overflowKeys
                        batch.events.append(event)
                    } catch {
                        reject(index, error)
                    }
                case .failure(let error):
                    reject(index, error)
                }
            }
        }
        batch.accepted = batch.events.count
        return batch
    }

    /// Checks the headers and size, and inflates gzip.
    private static func plainBody(
        _ body: ByteBuffer, contentType: String?, contentEncoding: String?, limits: IngestLimits
    ) throws(IngestError) -> (body: ByteBuffer, format: BodyFormat) {
        let format = try BodyFormat(contentType: contentType)
        let encoding = try ContentEncoding(header: contentEncoding)
        guard body.readableBytes <= limits.maxBodyBytes else { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
        switch encoding {
        case .identity: return (body, format)
        case .gzip: return (try GzipBody.inflate(body, limit: limits.maxBodyBytes), format)
        }
    }
}
