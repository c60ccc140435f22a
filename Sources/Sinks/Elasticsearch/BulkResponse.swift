import Foundation

/// The parts of a `_bulk` response the sink needs: one entry per action, in request order.
struct BulkResponse: Decodable {
    struct Item: Decodable {
        var index: String?
        var status: Int?
        var error: ElasticsearchErrorCause?

        private enum CodingKeys: String, CodingKey {
            case index = "_index"
            case status, error
        }
    }

    var errors: Bool?
    /// Each element is `{"create": {…}}`; only the inner object matters.
    var items: [Item]

    private enum CodingKeys: String, CodingKey { case errors, items }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        errors = try container.decodeIfPresent(Bool.self, forKey: .errors)
        let wrapped = try container.decode([[String: Item]].self, forKey: .items)
        items = wrapped.map { $0.values.first ?? Item(index: nil, status: nil, error: nil) }
    }

    /// nil when the body is not a bulk response (a proxy's page, another service).
    static func parse(_ body: [UInt8]) -> BulkResponse? {
        try? JSONDecoder().decode(BulkResponse.self, from: Data(body))
    }
}
