import ClientElasticsearch
import ClientHTTP
import LogModel
import Synchronization

/// Opens points in time for page walks: OpenSearch `POST /<indices>/_search/point_in_time`, Elasticsearch
/// `POST /<indices>/_pit` (the server's kind is read once from `GET /`). Best effort: when the server
/// has none, or refuses, the walk goes on with `search_after` alone.
final class PointInTime: Sendable {
    /// Long enough for a person paging, short enough not to pin old segments for long.
    static let keepAlive = "2m"

    private let transport: ElasticsearchTransport
    /// nil until known; then whether the server is OpenSearch.
    private let isOpenSearch = Mutex<Bool?>(nil)

    init(transport: ElasticsearchTransport) { self.transport = transport }

    func open(_ indices: String) async -> String? {
        guard let openSearch = await distribution() else { return nil }
        let path = openSearch
            ? "/\(indices)/_search/point_in_time?keep_alive=\(Self.keepAlive)&ignore_unavailable=true"
            : "/\(indices)/_pit?keep_alive=\(Self.keepAlive)&ignore_unavailable=true"
        guard let response = try? await transport.execute(.post, path), response.isSuccess,
              let reply = try? JSONParser.parse(response.body) else { return nil }
        return (openSearch ? reply["pit_id"] : reply["id"])?.stringValue
    }

    private func distribution() async -> Bool? {
        if let known = isOpenSearch.withLock({ $0 }) { return known }
        guard let response = try? await transport.execute(.get, "/"), response.isSuccess,
              let root = try? JSONParser.parse(response.body) else { return nil }
        // OpenSearch says so in version.distribution; never trust the X-Elastic-Product header.
        let openSearch = root["version"]?["distribution"]?.stringValue?.lowercased() == "opensearch"
        isOpenSearch.withLock { $0 = openSearch }
        return openSearch
    }
}
