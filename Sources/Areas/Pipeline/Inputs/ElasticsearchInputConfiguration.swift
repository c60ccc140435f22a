/// `inputs.elasticsearch.*`: the Elasticsearch-compatible `_bulk` input under `/es`.
public struct ElasticsearchInputConfiguration: Sendable {
    /// Off by default: a hub that does not expect shippers speaking Elasticsearch answers them 404.
    public var enabled: Bool
    /// The version reported by `GET /es` (shippers check the major version).
    public var version: String
    /// `host:port` of a listener of its own with the routes at the root, or nil (only `/es`).
    public var listen: (host: String, port: Int)?
}
