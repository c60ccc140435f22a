/// Keeps a sink's cursor commits in spool order while several batches are in flight.
///
/// The ordering rule: the cursor may move past batch k only once batch k and every batch before it
/// are done (stored, already stored or dead-lettered). Batches are opened in the order they were read
/// from the spool; they may finish in any order. A batch that finishes early waits here until the
/// batches before it have finished too, and then one commit covers all of them. So a crash never
/// skips an undelivered event: on restart reading resumes at the committed cursor and re-sends what
/// was in flight (the store keeps one copy per event id). Pure: no I/O, no clock.
public struct CommitOrder: Sendable {
    /// A batch's place in read order.
    public typealias Ticket = UInt64

    private var nextTicket: Ticket = 0
    /// Open batches, oldest first: their ticket, where the cursor goes once it is done, and whether it is.
    private var open: [(ticket: Ticket, through: UInt64, done: Bool)] = []

    public init() {}

    /// Batches read and not yet committed (finished ones waiting for an older one count too).
    public var inFlight: Int { open.count }

    /// Registers the batch just read; `through` is the offset after its last record.
    public mutating func opened(through offset: UInt64) -> Ticket {
        precondition(open.last.map { $0.through <= offset } ?? true, "batches must be opened in spool order")
        defer { nextTicket += 1 }
        open.append((nextTicket, offset, false))
        return nextTicket
    }

    /// Marks a batch done. Returns the offset to commit through when the oldest open batches are all
    /// done (they are then closed), or nil while an older batch is still delivering.
    public mutating func finished(_ ticket: Ticket) -> UInt64? {
        guard let index = open.firstIndex(where: { $0.ticket == ticket }) else {
            preconditionFailure("finished an unknown batch \(ticket)")
        }
        open[index].done = true
        let ready = open.prefix { $0.done }
        guard let last = ready.last else { return nil }
        open.removeFirst(ready.count)
        return last.through
    }
}
