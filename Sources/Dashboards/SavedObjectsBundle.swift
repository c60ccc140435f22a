import Foundation

/// The saved objects `admin dashboards install` imports by default: dashboards/opensearch-dashboards/
/// datamp-admin.ndjson, embedded at build time (a copy under Resources/, written by
/// scripts/lib/gen_saved_objects.py; DashboardContentTests fails when the two differ) so that `admin`
/// works from any directory.
public enum SavedObjectsBundle {
    public static var ndjson: [UInt8] { PackageResources.datamp_admin_ndjson }
    /// The committed file, relative to the repository root.
    public static let repositoryPath = "dashboards/opensearch-dashboards/datamp-admin.ndjson"
    public static let fileName = "datamp-admin.ndjson"
}

extension SavedObjectsBundle {
    /// The hub's default `elasticsearch.index_prefix`, which the committed index pattern is written for.
    public static let defaultIndexPrefix = "datamp-logs"
    static let indexPatternID = "datamp-admin-logs"

    /// The objects with the index pattern's title set to `<indexPrefix>-*`, for a hub whose
    /// `elasticsearch.index_prefix` is not the default; every other line is kept byte for byte.
    public static func ndjson(indexPrefix: String) throws(IndexPrefixError) -> [UInt8] {
        if let problem = IndexPrefixError.problem(indexPrefix) { throw IndexPrefixError(prefix: indexPrefix, problem: problem) }
        guard indexPrefix != defaultIndexPrefix else { return ndjson }
        var lines: [[UInt8]] = []
        for line in ndjson.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            guard var object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
                  object["type"] as? String == "index-pattern", object["id"] as? String == indexPatternID,
                  var attributes = object["attributes"] as? [String: Any]
            else { lines.append(Array(line)); continue }
            attributes["title"] = "\(indexPrefix)-*"
            object["attributes"] = attributes
            // Only JSON values read above: serialisation cannot fail.
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data(line)
            lines.append(Array(data))
        }
        return lines.flatMap { $0 + [UInt8(ascii: "\n")] }
    }
}

/// An index prefix Elasticsearch would refuse as the start of an index name.
public struct IndexPrefixError: Error, Sendable, CustomStringConvertible {
    public var prefix: String
    public var problem: String
    public var description: String { "--index-prefix '\(prefix)' \(problem)" }

    /// The hub's own rule for `elasticsearch.index_prefix`: lowercase, none of `\ / * ? " < > | , #`
    /// or spaces, not starting with `-`, `_` or `.`.
    static func problem(_ prefix: String) -> String? {
        guard !prefix.isEmpty, prefix.utf8.count <= 200 else { return "must be 1 to 200 characters" }
        if prefix != prefix.lowercased() { return "must be lowercase" }
        if prefix.contains(where: { "\\/*?\"<>|,# ".contains($0) }) { return "must not contain \\ / * ? \" < > | , # or spaces" }
        if let first = prefix.first, "-_.".contains(first) { return "must start with a letter or digit" }
        return nil
    }
}
