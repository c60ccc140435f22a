import LogModel

/// What the intake knows about a request that the event itself does not say. Built once per
/// request and shared by its events.
public struct IngestContext: Sendable, Equatable {
    /// The ingest token's service: the default `service.name` (and `event.dataset`).
    public let serviceName: String
    /// The client's address, stored as `ingest.client_ip` when known.
    public let clientAddress: String?
    /// When the request arrived (µs since the epoch, UTC): `event.ingested`, the time of events
    /// that carry none, and the reference for the future-time check.
    public let receivedAtMicros: Int64
    /// `receivedAtMicros` as stored in `event.ingested`, formatted once per request.
    public let ingested: String

    public init(serviceName: String, clientAddress: String? = nil, receivedAtMicros: Int64 = WallClock.nowMicros()) {
        self.serviceName = serviceName
        self.clientAddress = clientAddress
        self.receivedAtMicros = receivedAtMicros
        self.ingested = Timestamp.format(micros: receivedAtMicros)
    }
}
