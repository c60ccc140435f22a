import Sinks

/// One health for a sink with several batches in flight: an open batch that cannot be delivered
/// (retrying, misconfigured) is what an operator must see, even while later batches go through;
/// otherwise the state the last finished batch (or the prepare step) left.
struct InFlightStatus: Sendable {
    var settled = SinkStatus()
    private var open: [CommitOrder.Ticket: SinkStatus] = [:]

    mutating func update(_ ticket: CommitOrder.Ticket, _ status: SinkStatus) { open[ticket] = status }

    mutating func close(_ ticket: CommitOrder.Ticket) {
        if let last = open.removeValue(forKey: ticket) { settled = last }
    }

    var shown: SinkStatus {
        let troubled = open.sorted { $0.key < $1.key }.map(\.value).max { Self.severity($0.state) < Self.severity($1.state) }
        if let troubled, Self.severity(troubled.state) > Self.severity(.ready) { return troubled }
        return settled
    }

    private static func severity(_ state: SinkState) -> Int {
        switch state {
        case .ready, .starting: 0
        case .retrying, .unavailable, .degraded: 1
        case .misconfigured: 2
        }
    }
}
