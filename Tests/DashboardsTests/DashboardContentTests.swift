import Dashboards
import Foundation
import LogModel
@testable import SinkElasticsearch
import TestSupport
import XCTest

/// The saved objects in dashboards/opensearch-dashboards/datamp-admin.ndjson: what `admin` embeds is
/// that file, every line is a saved object, every reference resolves, and every field they name is
/// in the index template the hub installs (a renamed field fails here, not in a user's Kibana).
final class DashboardContentTests: XCTestCase {
    private var committed: [UInt8] {
        get throws { Array(try Data(contentsOf: URL(fileURLWithPath: packageRoot() + "/" + SavedObjectsBundle.repositoryPath))) }
    }

    private func objects() throws -> [[String: Any]] {
        let text = String(decoding: try committed, as: UTF8.self)
        return try text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { number, line in
            if line.isEmpty { return nil }
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            guard let object = object as? [String: Any] else {
                XCTFail("line \(number + 1) is not a JSON object")
                return nil
            }
            return object
        }
    }

    func testTheEmbeddedObjectsAreTheCommittedFile() throws {
        let embedded = SavedObjectsBundle.ndjson, file = try committed
        XCTAssertTrue(embedded == file, "\(embedded.count) embedded bytes vs \(file.count) committed: "
                       + "Sources/Dashboards/Resources/datamp-admin.ndjson differs from \(SavedObjectsBundle.repositoryPath): run python3 scripts/lib/gen_saved_objects.py")
    }

    func testEveryLineIsASavedObjectAndEveryReferenceResolves() throws {
        let objects = try objects()
        XCTAssertEqual(String(decoding: try committed, as: UTF8.self).last, "\n")
        var keys = Set<String>()
        for object in objects {
            let type = object["type"] as? String ?? ""
            let id = object["id"] as? String ?? ""
            XCTAssertTrue(["index-pattern", "search", "visualization", "dashboard"].contains(type), "type \(type)")
            XCTAssertFalse(id.isEmpty)
            XCTAssertNotNil(object["attributes"] as? [String: Any], "\(type) \(id) has no attributes")
            XCTAssertNotNil((object["migrationVersion"] as? [String: String])?[type], "\(type) \(id) has no migrationVersion")
            XCTAssertTrue(keys.insert("\(type)/\(id)").inserted, "\(type) \(id) twice")
        }
        XCTAssertEqual(Dictionary(grouping: objects) { $0["type"] as? String ?? "" }.mapValues(\.count),
                       ["index-pattern": 1, "search": 2, "visualization": 3, "dashboard": 1])
        for object in objects {
            let attributes = object["attributes"] as? [String: Any] ?? [:]
            let references = object["references"] as? [[String: String]] ?? []
            let names = Set(references.compactMap { $0["name"] })
            for reference in references {
                XCTAssertTrue(keys.contains("\(reference["type"] ?? "")/\(reference["id"] ?? "")"),
                              "\(object["id"] ?? "") refers to a missing \(reference)")
            }
            // Names used inside the attributes must be among the object's references, as exports write them.
            var used: [String] = []
            if let source = try searchSource(attributes), let name = source["indexRefName"] as? String { used.append(name) }
            if let name = attributes["savedSearchRefName"] as? String { used.append(name) }
            if let panels = attributes["panelsJSON"] as? String {
                let decoded = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(panels.utf8)) as? [[String: Any]])
                XCTAssertFalse(decoded.isEmpty)
                used += decoded.map { $0["panelRefName"] as? String ?? "(no panelRefName)" }
            }
            for name in used { XCTAssertTrue(names.contains(name), "\(object["id"] ?? ""): \(name) is not among its references") }
            if object["type"] as? String == "visualization" {
                let state = try XCTUnwrap(JSONSerialization.jsonObject(with: Data((attributes["visState"] as? String ?? "").utf8)) as? [String: Any])
                XCTAssertFalse((state["aggs"] as? [Any] ?? []).isEmpty)
            }
        }
        let pattern = try XCTUnwrap(objects.first { $0["type"] as? String == "index-pattern" }?["attributes"] as? [String: Any])
        XCTAssertEqual(pattern["title"] as? String, ElasticsearchSinkConfiguration(urls: []).indexPrefix + "-*")
        XCTAssertEqual(SavedObjectsBundle.defaultIndexPrefix, ElasticsearchSinkConfiguration(urls: []).indexPrefix)
        XCTAssertEqual(pattern["timeFieldName"] as? String, "@timestamp")
        let titles = objects.compactMap { ($0["attributes"] as? [String: Any])?["title"] as? String }
        XCTAssertTrue(titles.contains("DataMP logs"))
    }

    func testEveryFieldNamedIsInTheHubsIndexTemplate() throws {
        let mapped = Self.paths(IndexTemplate.mappings(.elasticsearch(ServerVersion(8, 15, 0), flavor: "default")))
        XCTAssertTrue(mapped.contains("service.name") && mapped.contains("message.keyword"), "the mapping walk is broken: \(mapped.sorted())")
        var named: [String: String] = [:]   // field -> where
        for object in try objects() {
            let id = object["id"] as? String ?? ""
            let attributes = object["attributes"] as? [String: Any] ?? [:]
            if let fields = attributes["fields"] as? String {
                let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(fields.utf8)) as? [[String: Any]])
                for field in list.compactMap({ $0["name"] as? String }) where !field.hasPrefix("_") { named[field] = "\(id) fields" }
            }
            if let field = attributes["timeFieldName"] as? String { named[field] = "\(id) timeFieldName" }
            for column in attributes["columns"] as? [String] ?? [] { named[column] = "\(id) columns" }
            for sort in attributes["sort"] as? [[String]] ?? [] { if let field = sort.first { named[field] = "\(id) sort" } }
            if let query = (try searchSource(attributes)?["query"] as? [String: Any])?["query"] as? String {
                for field in Self.queryFields(query) { named[field] = "\(id) query" }
            }
            if let visState = attributes["visState"] as? String {
                let state = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(visState.utf8)) as? [String: Any])
                for agg in state["aggs"] as? [[String: Any]] ?? [] {
                    if let field = (agg["params"] as? [String: Any])?["field"] as? String { named[field] = "\(id) aggregation" }
                }
            }
        }
        XCTAssertTrue(named.keys.contains("log.level") && named.keys.contains("error.type"), "\(named.keys.sorted())")
        for (field, place) in named.sorted(by: { $0.key < $1.key }) {
            XCTAssertTrue(mapped.contains(field), "\(place) names \(field), which the hub's index template does not map")
        }
    }

    /// The errors view selects exactly the levels from error up, as the hub stores them.
    func testTheErrorsSearchSelectsEveryLevelFromErrorUp() throws {
        let errors = try XCTUnwrap(try objects().first { $0["id"] as? String == "datamp-admin-errors" })
        let query = try XCTUnwrap((try searchSource(errors["attributes"] as? [String: Any] ?? [:])?["query"] as? [String: Any])?["query"] as? String)
        let inside = try XCTUnwrap(query.split(separator: "(").last?.split(separator: ")").first)
        let levels = Set(inside.components(separatedBy: " or ").map { $0.trimmingCharacters(in: .whitespaces) })
        XCTAssertEqual(levels, Set(Level.allCases.filter { $0 >= .error }.map(\.name)), query)
    }

    private func searchSource(_ attributes: [String: Any]) throws -> [String: Any]? {
        guard let text = (attributes["kibanaSavedObjectMeta"] as? [String: Any])?["searchSourceJSON"] as? String else { return nil }
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    /// `a.b:` field names in a KQL query.
    static func queryFields(_ query: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: "([A-Za-z_@][A-Za-z0-9_.@]*)\\s*:")
        return regex.matches(in: query, range: NSRange(query.startIndex..., in: query)).compactMap {
            Range($0.range(at: 1), in: query).map { String(query[$0]) }
        }
    }

    /// Every field path of a mapping, multi-fields (`message.keyword`) included.
    static func paths(_ mapping: [String: Any], prefix: String = "") -> Set<String> {
        var result = Set<String>()
        for (name, value) in mapping["properties"] as? [String: Any] ?? [:] {
            let path = prefix + name
            guard let field = value as? [String: Any] else { continue }
            if field["properties"] != nil {
                result.formUnion(paths(field, prefix: path + "."))
            } else {
                result.insert(path)
                for sub in (field["fields"] as? [String: Any] ?? [:]).keys { result.insert(path + "." + sub) }
            }
        }
        return result
    }
}
