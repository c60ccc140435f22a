import LogModel
import NIOCore
import Transforms

/// Reads the events out of an ingest request body (see ``EventFraming`` for the layout rules).
///
/// Whole-request problems (media type, encoding, size, broken gzip) throw ``IngestError``;
/// problems with single events are returned per index and never fail the request.
public enum BodyDecoder {
    /// Parses and normalises every event of `body` in one pass (no intermediate list of raw
    /// events): the events in request order with the rejections.
    public static func decodeAndNormalize(
        _ body: ByteBuffer, contentType: String?, contentEncoding: String?, limits: IngestLimits = IngestLimits(),
        normalizer: EventNormalizer, context: IngestContext
    ) throws(IngestError) -> IngestBatch {
        var events: [NormalizedEvent] = []
        // ~350 bytes per event is typical; reserving avoids regrowing a large array.
        events.reserveCapacity(min(body.readableBytes / 256 + 1, 65_536))
        var batch = try decodeAndNormalize(body, contentType: contentType, contentEncoding: contentEncoding, limits: limits,
                                           normalizer: normalizer, context: context) { events.append(NormalizedEvent($0)) }
        batch.events = events
        return batch
    }

    /// The same pass handing each accepted event to `accept` as soon as it is normalised (what the
    /// ingest endpoint does: the event is written into the spool's buffer and freed before the
    /// next is parsed, so a request never holds a thousand parsed trees). The event is borrowed
    /// (``StoredEvent``): its bytes are the body's, valid only during the call. The batch has the
    /// counts and rejections but no `events`. An event `accept` throws for is rejected at its index.
    public static func decodeAndNormalize(
        _ body: ByteBuffer, contentType: String?, contentEncoding: String?, limits: IngestLimits = IngestLimits(),
        normalizer: EventNormalizer, context: IngestContext, accept: (borrowing StoredEvent) throws(EventError) -> Void
    ) throws(IngestError) -> IngestBatch {
        let bytes = try plainBody(body, contentType: contentType, contentEncoding: contentEncoding, limits: limits)
        var batch = IngestBatch()
        let memo = LabelKeyMemo()
        func reject(_ index: Int, _ error: EventError) {
            batch.rejected += 1
            batch.rejectedByCode[error.code, default: 0] += 1
            if batch.errors.count < limits.maxReportedErrors {
                batch.errors.append(IndexedEventError(index: index, error: error))
            }
        }
        _ = bytes.body.withUnsafeReadableBytes { buffer in
            EventFraming.forEachEvent(in: buffer, format: bytes.format, limits: limits) { index, result in
                switch result {
                case .success(let read):
                    do throws(EventError) {
                        let event = try normalize(read, normalizer: normalizer, context: context, memo: memo)
                        batch.redactions += event.redactions
                        batch.overflowKeys += event.overflowKeys
                        try accept(event)
                        event.giveBack(to: memo)
                        batch.accepted += 1
                    } catch {
                        reject(index, error)
                    }
                case .failure(let error):
                    reject(index, error)
                }
            }
        }
        return batch
    }

    /// One event as read, normalised. Borrowed: a `switch` over `read` in the caller's closure
    /// copied the normaliser and the context (retaining their arrays and strings) per event.
    @inline(__always)
    private static func normalize(
        _ read: borrowing EventFraming.Event, normalizer: borrowing EventNormalizer, context: borrowing IngestContext, memo: LabelKeyMemo
    ) throws(EventError) -> StoredEvent {
        switch read {
        case .flat(let flat): try normalizer.stored(flat, context: context, memo: memo)
        case .tree(let object): try normalizer.stored(object, context: context, memo: memo)
        }
    }

    /// The body inflated and, if it is NDJSON, cut at line ends into up to `parts` pieces of at
    /// least `minimumPartBytes`: each a plain body of its own (decode it with no content encoding),
    /// so that the pieces can be decoded on several cores at once and a 1000-event request waits
    /// for half its parse, not all of it. One piece when the body stays whole: a JSON body (an
    /// array cannot be cut without parsing it), or one too small to be worth it.
    /// Throws what ``decodeAndNormalize`` would throw for the whole body.
    public static func split(
        _ body: ByteBuffer, contentType: String?, contentEncoding: String?, limits: IngestLimits = IngestLimits(),
        parts: Int, minimumPartBytes: Int
    ) throws(IngestError) -> [ByteBuffer] {
        let plain = try plainBody(body, contentType: contentType, contentEncoding: contentEncoding, limits: limits)
        let size = plain.body.readableBytes
        let count = min(parts, size / max(minimumPartBytes, 1))
        guard plain.format == .ndjson, count > 1 else { return [plain.body] }
        let cuts: [Int] = plain.body.withUnsafeReadableBytes { buffer in
            var cuts = [0]
            for part in 1..<count {
                // The first line end at or after the even share: pieces stay whole lines.
                var at = max(size * part / count, cuts[cuts.count - 1])
                while at < size, buffer[at] != 0x0A { at += 1 }
                if at < size { cuts.append(at + 1) }
            }
            cuts.append(size)
            return cuts
        }
        var pieces: [ByteBuffer] = []
        for i in 0..<(cuts.count - 1) where cuts[i + 1] > cuts[i] {
            pieces.append(plain.body.getSlice(at: plain.body.readerIndex + cuts[i], length: cuts[i + 1] - cuts[i])!)
        }
        return pieces.isEmpty ? [plain.body] : pieces
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
