public import Foundation

/// How one part of the hub is doing (a sink, the spool, PostgreSQL, a notifier).
///
/// `/readyz` is public and shows `name` and `state` only; `detail` (error text that can name
/// hosts, databases and users) is shown only by `GET /api/v1/status`, which needs `config.read`.
public struct ComponentHealth: Sendable, Equatable {
    /// `spool`, `database`, `sink.mongodb`, `sink.elasticsearch` … `/readyz` lists a part named
    /// `group.name` under `group + "s"` (`sink.mongodb` under `sinks`, `operation.core` under
    /// `operations`): name the group in the singular.
    public var name: String
    /// A short state word: `ready`, `starting`, `retrying`, `unavailable`, `misconfigured` …
    public var state: String
    /// False when the hub cannot take logs because of this part (spool not writable, PostgreSQL down).
    /// A sink that is down does not make the hub unready: the spool keeps accepting.
    public var blocksReadiness: Bool
    /// Numbers worth showing publicly (lag, bytes); no secrets, no host names.
    public var metrics: [String: Int64]
    /// Human detail for operators: the last error, what to check.
    public var detail: String?
    /// The last time this part worked (a store took a batch or answered its probe); shown with the detail.
    public var lastSuccess: Date?

    public init(name: String, state: String, blocksReadiness: Bool = false, metrics: [String: Int64] = [:], detail: String? = nil,
                lastSuccess: Date? = nil) {
        self.name = name
        self.state = state
        self.blocksReadiness = blocksReadiness
        self.metrics = metrics
        self.detail = detail
        self.lastSuccess = lastSuccess
    }
}
