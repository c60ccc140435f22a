import Intake
import Transforms

/// The intake's event limit counts the event as sent; the spool's record limit counts the stored
/// document plus its envelope, which can be larger. An event over the spool's limit is rejected on
/// its own as `event_too_large` — never a 503 for the whole request, which a client would retry forever.
extension IngestBatch {
    /// Returns the spool records of the events that fit, and moves the others to the rejections.
    mutating func spoolRecords(limit: Int, maxReportedErrors: Int) -> [[UInt8]] {
        var records = [[UInt8]]()
        records.reserveCapacity(events.count)
        var tooLarge: [(position: Int, bytes: Int)] = []
        for (position, event) in events.enumerated() {
            let record = event.spoolRecord()
            if record.count > limit { tooLarge.append((position, record.count)) } else { records.append(record) }
        }
        guard !tooLarge.isEmpty else { return records }
        // Request positions of the accepted events: the indexes no reported error took. Exact when
        // every rejection is reported; otherwise the error list is already full and gets no more.
        let positions = errors.count == rejected ? requestIndexes(ofAccepted: events.count) : nil
        for (position, bytes) in tooLarge {
            rejected += 1
            rejectedByCode[EventError.eventTooLarge, default: 0] += 1
            if let positions, errors.count < maxReportedErrors {
                errors.append(IndexedEventError(index: positions[position], error: .tooLarge(bytes: bytes, limit: limit)))
            }
        }
        errors.sort { $0.index < $1.index }
        let dropped = Set(tooLarge.map(\.position))
        events = events.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
        accepted = events.count
        return records
    }

    private func requestIndexes(ofAccepted count: Int) -> [Int] {
        let taken = Set(errors.map(\.index))
        var indexes = [Int]()
        indexes.reserveCapacity(count)
        var index = 0
        while indexes.count < count {
            if !taken.contains(index) { indexes.append(index) }
            index += 1
        }
        return indexes
    }
}
