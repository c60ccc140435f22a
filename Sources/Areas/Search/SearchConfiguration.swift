public import HubKit

/// The `search.*` keys.
public struct SearchConfiguration: Sendable {
    /// Most events one export streams before it ends with its "cut" marker.
    public var exportMaxEvents: Int
    /// How often an open live tail gets a comment line, so proxies and browsers keep the stream open.
    public var tailHeartbeatSeconds: Int
    /// Daily-index prefix and MongoDB collection come from the core `elasticsearch.*` / `mongodb.*` keys.
    static func read(_ r: ConfigurationReader, core: CoreConfiguration) -> SearchConfiguration {
        let exportMax = r.int("search.export_max_events", env: "ADMIN_SEARCH_EXPORT_MAX_EVENTS", default: 1_000_000, range: 1...100_000_000,
                              help: "most events one export streams; the stream then ends with a marker saying it was cut")
        let heartbeat = r.int("search.tail_heartbeat_seconds", env: "ADMIN_SEARCH_TAIL_HEARTBEAT_SECONDS", default: 15, range: 1...300,
                              help: "seconds between the heartbeat comments of an open live tail")
        return SearchConfiguration(exportMaxEvents: exportMax, tailHeartbeatSeconds: heartbeat)
    }
}
