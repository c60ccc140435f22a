import Intake
import NIOCore
import Spool
import Transforms

/// One request decoded, normalised and written as framed spool records: what the intake appends
/// and answers. Decoded from one body or, for a request decoded in pieces on several cores, put
/// together from the pieces in request order.
struct DecodedRequest: Sendable {
    /// The spool records of the accepted events, in request order.
    var frames = SpoolFrames()
    var rejected = 0
    /// The first `maxReportedErrors` rejections, indexed within the whole request.
    var errors: [IndexedEventError] = []
    var rejectedByCode: [String: Int] = [:]
    var redactions = 0
    /// Events seen, accepted or not: where the indexes of the next piece start.
    private(set) var total = 0

    var accepted: Int { frames.count }

    init() {}

    /// Decodes `body` (plain, already checked), writing each accepted event's record as soon as it
    /// is normalised. The intake's event limit counts the event as sent; the spool's record limit
    /// counts the stored document plus its envelope, which can be larger: an event over the spool's
    /// limit is rejected on its own as `event_too_large`, at its index, never a 503 for the whole
    /// request (which a client would retry forever).
    init(
        decoding body: ByteBuffer, contentType: String?, limits: IngestLimits, recordLimit: Int,
        normalizer: EventNormalizer, context: IngestContext
    ) throws(IngestError) {
        // Stored records run larger than the events as sent (ids, ECS nesting, ingest facts): 1.8× in `scripts/bench`.
        var frames = SpoolFrames(reservingCapacity: body.readableBytes * 2)
        let batch = try BodyDecoder.decodeAndNormalize(
            body, contentType: contentType, contentEncoding: nil, limits: limits, normalizer: normalizer, context: context
        ) { event throws(EventError) in
            let bytes = frames.appendRecord { event.writeSpoolRecord(into: &$0) }
            if bytes > recordLimit {
                frames.removeLastRecord()
                throw .tooLarge(bytes: bytes, limit: recordLimit)
            }
        }
        self.frames = frames
        rejected = batch.rejected
        errors = batch.errors
        rejectedByCode = batch.rejectedByCode
        redactions = batch.redactions
        total = batch.accepted + batch.rejected
    }

    /// Adds the next piece of the same request: its indexes continue after this one's.
    mutating func append(_ piece: DecodedRequest, maxReportedErrors: Int) {
        for error in piece.errors where errors.count < maxReportedErrors {
            errors.append(IndexedEventError(index: total + error.index, error: error.error))
        }
        frames.append(contentsOf: piece.frames)
        rejected += piece.rejected
        for (code, n) in piece.rejectedByCode { rejectedByCode[code, default: 0] += n }
        redactions += piece.redactions
        total += piece.total
    }
}
