import Spool

/// When a batch the spool refused as full (or on a full disk) is worth offering to the intake again.
/// Each offer decodes and normalises the batch again, and the spool's room only grows when it deletes a
/// segment: while it is no larger than at the refusal the same batch is certain to be refused again.
/// (The intake counts the refusal as rejected only the first time: `IngestService.ingest(countsRefusal:)`.)
///
/// The room is read just before the refused call and just after; the smaller is kept, so a segment freed
/// between the refusal and the second read still leads to a retry. Both reads can miss by a change in the
/// microseconds between them (an append before the refusal *and* a deletion after it): then the retry
/// comes by the timer after `recheckAfter` (a minute). A full disk (ENOSPC) also frees space the spool
/// cannot see (an operator deleting files): there the timer is 10 s, twice the intake's Retry-After.
struct HeldBatchRetry: Equatable {
    /// Spool bytes free under its bound (`max_bytes`) when it refused.
    let roomAtRefusal: Int64
    let refusedAt: ContinuousClock.Instant
    /// Offered again after this whatever the room says.
    let recheckAfter: Duration

    static let afterFullSpool = Duration.seconds(60)
    static let afterFullDisk = Duration.seconds(10)

    init(roomBefore: Int64, roomAfter: Int64, at: ContinuousClock.Instant, recheckAfter: Duration) {
        roomAtRefusal = min(roomBefore, roomAfter)
        refusedAt = at
        self.recheckAfter = recheckAfter
    }

    func worthOffering(roomNow: Int64, at now: ContinuousClock.Instant) -> Bool {
        roomNow > roomAtRefusal || now - refusedAt >= recheckAfter
    }
}

extension SpoolStats {
    /// Bytes an append may still add before the spool refuses it as full.
    var room: Int64 { maxBytes - retainedBytes - queuedBytes }
}
