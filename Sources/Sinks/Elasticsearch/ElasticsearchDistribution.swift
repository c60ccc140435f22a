import Foundation

/// Which search server answers, read from `GET /`: Elasticsearch or OpenSearch, and its version.
///
/// OpenSearch is recognised only by `version.distribution == "opensearch"` (any major). The
/// `X-Elastic-Product: Elasticsearch` header is ignored: OpenSearch-compatible servers send it too.
public enum ElasticsearchDistribution: Sendable, Equatable, CustomStringConvertible {
    case elasticsearch(ServerVersion, flavor: String?)
    case opensearch(ServerVersion)

    public var version: ServerVersion {
        switch self {
        case .elasticsearch(let version, _), .opensearch(let version): return version
        }
    }

    public var isOpenSearch: Bool {
        if case .opensearch = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .elasticsearch(let version, _): return "Elasticsearch \(version)"
        case .opensearch(let version): return "OpenSearch \(version)"
        }
    }

    /// The mapping for `attributes` (free-form nested objects): one field per object, so one event's
    /// `attributes.order` being a number and another's an object is no mapping conflict.
    /// - Elasticsearch ≥ 7.3 (not the 7.x OSS build): `flattened`.
    /// - OpenSearch ≥ 2.7: `flat_object`.
    /// - otherwise: kept in `_source` but not indexed (`enabled: false`).
    var attributesMapping: [String: Any] {
        switch self {
        case .elasticsearch(let version, let flavor):
            if version >= ServerVersion(7, 3, 0) && flavor != "oss" {
                // ignore_above: a long value is kept in _source but not indexed, instead of failing the
                // document with Lucene's 32 KB "immense term" error.
                return ["type": "flattened", "ignore_above": 1024]
            }
        case .opensearch(let version):
            if version >= ServerVersion(2, 7, 0) { return ["type": "flat_object"] }
        }
        return ["type": "object", "enabled": false]
    }

    /// Why `GET /` could not be understood, or the server is one we do not support.
    enum DetectionError: Error, Equatable {
        case notASearchServer(String)
        case unsupported(String)
    }

    /// Reads the JSON body of `GET /`.
    static func detect(rootResponse body: [UInt8]) throws(DetectionError) -> ElasticsearchDistribution {
        struct Root: Decodable {
            struct Version: Decodable {
                var number: String?
                var distribution: String?
                var build_flavor: String?
            }
            var version: Version?
        }
        guard let root = try? JSONDecoder().decode(Root.self, from: Data(body)), let number = root.version?.number else {
            throw .notASearchServer("GET / did not return a JSON body with version.number")
        }
        guard let version = ServerVersion(number) else {
            throw .notASearchServer("GET / returned an unreadable version.number \"\(number)\"")
        }
        if root.version?.distribution?.lowercased() == "opensearch" {
            return .opensearch(version)
        }
        guard (7...9).contains(version.major) else {
            throw .unsupported("Elasticsearch \(number) is not supported (supported: 7.8 or later 7.x, 8.x, 9.x)")
        }
        guard version >= ServerVersion(7, 8, 0) else {
            throw .unsupported("Elasticsearch \(number) has no composable index templates (needs 7.8 or later)")
        }
        return .elasticsearch(version, flavor: root.version?.build_flavor)
    }
}
