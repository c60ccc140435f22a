import ClientHTTP
import Foundation
import TestSupport

/// Scripted Elasticsearch answers for what osmem-server cannot do (ES 8's `GET /`, 429, 413, 401).
enum FakeElasticsearch {
    static let elasticsearch8Root = """
        {"name":"es-node-1","cluster_name":"docker-cluster","cluster_uuid":"Vb9zWmD5Q1mC8yYz","version":{"number":"8.13.4",\
        "build_flavor":"default","build_type":"docker","build_hash":"da95df118650b55a500dcc181889ac35c6d8da7c",\
        "build_date":"2024-05-06T22:04:45.107454559Z","build_snapshot":false,"lucene_version":"9.10.0",\
        "minimum_wire_compatibility_version":"7.17.0","minimum_index_compatibility_version":"7.0.0"},"tagline":"You Know, for Search"}
        """

    static func openSearchRoot(_ number: String) -> String {
        #"{"name":"os-1","cluster_name":"os","version":{"distribution":"opensearch","number":"\#(number)","build_type":"tar"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#
    }

    /// Every response of a real Elasticsearch carries this header; OpenSearch-compatible servers send it too.
    static let productHeader: HTTPHeaders = ["X-Elastic-Product": "Elasticsearch"]

    /// The `_bulk` actions of a recorded request: (index, id) per document.
    static func actions(_ request: RecordedRequest) -> [(index: String, id: String)] {
        let lines = request.bodyText.split(separator: "\n", omittingEmptySubsequences: false)
        return stride(from: 0, to: lines.count - 1, by: 2).compactMap { i in
            let action = try? JSONSerialization.jsonObject(with: Data(lines[i].utf8)) as? [String: Any]
            guard let create = action?["create"] as? [String: Any],
                  let index = create["_index"] as? String, let id = create["_id"] as? String else { return nil }
            return (index, id)
        }
    }

    /// A `_bulk` response with one item per (status, error type) in order.
    static func bulkResponse(_ items: [(status: Int, errorType: String?)], index: String = "datamp-logs-2026.11.25") -> RecordingResponse {
        let rendered = items.enumerated().map { offset, item -> String in
            if let type = item.errorType {
                return #"{"create":{"_index":"\#(index)","_id":"\#(offset)","status":\#(item.status),"error":{"type":"\#(type)","reason":"scripted \#(type)"}}}"#
            }
            return #"{"create":{"_index":"\#(index)","_id":"\#(offset)","_version":1,"result":"created","status":\#(item.status)}}"#
        }
        let errors = items.contains { !(200..<300).contains($0.status) }
        return .json(#"{"took":3,"errors":\#(errors),"items":[\#(rendered.joined(separator: ","))]}"#, headers: productHeader)
    }

    /// All created: the answer a healthy cluster gives to `request`.
    static func allCreated(_ request: RecordedRequest) -> RecordingResponse {
        bulkResponse(actions(request).map { _ in (201, nil) })
    }
}
