import Intake

/// One request decoded, normalised and encoded as spool records: what the intake appends and
/// answers. Built from one ``IngestBatch`` or, for a request decoded in pieces on several cores,
/// from the pieces in request order.
struct DecodedRequest: Sendable {
    /// The spool records of the accepted events, in request order.
    var payloads: [[UInt8]] = []
    var rejected = 0
    /// The first `maxReportedErrors` rejections, indexed within the whole request.
    var errors: [IndexedEventError] = []
    var rejectedByCode: [String: Int] = [:]
    var redactions = 0
    /// Events seen, accepted or not: where the indexes of the next piece start.
    private(set) var total = 0

    var accepted: Int { payloads.count }

    init() {}

    /// Encodes the batch's events; one whose record is over `recordLimit` becomes a rejection.
    init(_ batch: IngestBatch, recordLimit: Int, maxReportedErrors: Int) {
        var batch = batch
        payloads = batch.spoolRecords(limit: recordLimit, maxReportedErrors: maxReportedErrors)
        rejected = batch.rejected
        errors = batch.errors
        rejectedByCode = batch.rejectedByCode
        redactions = batch.redactions
        total = batch.events.count + batch.rejected
    }

    /// Adds the next piece of the same request: its indexes continue after this one's.
    mutating func append(_ piece: DecodedRequest, maxReportedErrors: Int) {
        for error in piece.errors where errors.count < maxReportedErrors {
            errors.append(IndexedEventError(index: total + error.index, error: error.error))
        }
        if payloads.isEmpty { payloads = piece.payloads } else { payloads += piece.payloads }
        rejected += piece.rejected
        for (code, n) in piece.rejectedByCode { rejectedByCode[code, default: 0] += n }
        redactions += piece.redactions
        total += piece.total
    }
}
