import ClientHTTP
import Foundation
import SinkElasticsearch
import TestSupport
import XCTest

/// The search server named by ADMIN_TEST_ELASTICSEARCH_URL (osmem-server in CI), with a fresh index
/// prefix per test and the small queries tests need to look at what the sink stored.
final class TestCluster: Sendable {
    let url: String
    let prefix: String
    let client: HTTPClient

    init() throws {
        let url = try StandIns.requireElasticsearch()
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        prefix = "dmtest-" + String((0..<10).map { _ in letters.randomElement()! })
        client = try HTTPClient()
    }

    func configuration(retentionDays: Int? = nil) -> ElasticsearchSinkConfiguration {
        ElasticsearchSinkConfiguration(urls: [url], indexPrefix: prefix, retentionDays: retentionDays,
                                       requestTimeout: .seconds(20), refreshAfterWrite: true, numberOfReplicas: 0)
    }

    func sink(retentionDays: Int? = nil) -> ElasticsearchSink {
        ElasticsearchSink(configuration: configuration(retentionDays: retentionDays), client: client)
    }

    /// Sends a request and parses the JSON answer (object or array).
    func json(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> (status: Int, value: Any?) {
        let response = try await client.execute(HTTPRequest(
            method: method, url: url + path,
            headers: body == nil ? HTTPHeaders() : ["Content-Type": "application/json"],
            body: Array((body ?? "").utf8), timeout: .seconds(20)))
        return (response.status, try? JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed]))
    }

    func indices() async throws -> [String] {
        let (_, value) = try await json(.get, "/_cat/indices/\(prefix)-*?format=json&h=index")
        return ((value as? [[String: Any]]) ?? []).compactMap { $0["index"] as? String }.sorted()
    }

    func count(_ index: String) async throws -> Int {
        _ = try await json(.post, "/\(index)/_refresh")
        let (_, value) = try await json(.get, "/\(index)/_count")
        return (value as? [String: Any])?["count"] as? Int ?? -1
    }

    func source(index: String, id: String) async throws -> [String: Any]? {
        let (status, value) = try await json(.get, "/\(index)/_doc/\(id)")
        guard status == 200 else { return nil }
        return (value as? [String: Any])?["_source"] as? [String: Any]
    }

    func createIndex(_ name: String) async throws {
        let (status, _) = try await json(.put, "/\(name)")
        XCTAssertEqual(status, 200, "creating \(name)")
    }

    /// Deletes what the test made, by exact name.
    func cleanUp() async {
        for index in (try? await indices()) ?? [] {
            _ = try? await json(.delete, "/\(index)")
        }
        _ = try? await json(.delete, "/_index_template/\(prefix)")
        client.shutdown()
    }
}
