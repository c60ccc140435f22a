import Foundation

/// The saved-objects import answer of OpenSearch Dashboards 2.x and Kibana 7.10+:
/// `{"success", "successCount", "successResults": [{type, id, meta: {title}}],
///   "errors": [{type, id, title?, meta?, error: {type, message?, statusCode?, references?}}]}`.
public struct SavedObjectsImportResult: Sendable, Equatable {
    public struct Object: Sendable, Equatable {
        public var type: String
        public var id: String
        public var title: String?
    }

    public struct Failure: Sendable, Equatable {
        public var object: Object
        /// `conflict`, `missing_references`, `unsupported_type`, `ambiguous_conflict`, `unknown`, ...
        public var errorType: String
        /// The message, or the missing references as `type/id`.
        public var detail: String?
    }

    public var success: Bool
    public var successCount: Int
    public var imported: [Object]
    public var failed: [Failure]

    /// Nil when `answer` is not a JSON object with a boolean `success`.
    public init?(answer: [UInt8]) {
        guard let root = (try? JSONSerialization.jsonObject(with: Data(answer))) as? [String: Any],
              let success = root["success"] as? Bool else { return nil }
        self.success = success
        self.imported = (root["successResults"] as? [[String: Any]] ?? []).map(Self.object)
        self.successCount = (root["successCount"] as? Int) ?? imported.count
        self.failed = (root["errors"] as? [[String: Any]] ?? []).map { entry in
            let error = entry["error"] as? [String: Any] ?? [:]
            var detail = error["message"] as? String
            if let references = error["references"] as? [[String: Any]], !references.isEmpty {
                let missing = references.map { "\($0["type"] as? String ?? "?")/\($0["id"] as? String ?? "?")" }
                detail = "missing " + missing.joined(separator: ", ")
            }
            if detail == nil, let status = error["statusCode"] as? Int { detail = "status \(status)" }
            return Failure(object: Self.object(entry), errorType: error["type"] as? String ?? "unknown", detail: detail)
        }
    }

    private static func object(_ entry: [String: Any]) -> Object {
        let title = entry["title"] as? String ?? (entry["meta"] as? [String: Any])?["title"] as? String
        return Object(type: entry["type"] as? String ?? "?", id: entry["id"] as? String ?? "?", title: title)
    }

    /// What the CLI prints: one line per object, then a summary.
    public func report(into url: String) -> [String] {
        func name(_ object: Object) -> String {
            "\(object.type) \(object.id)" + (object.title.map { " (\($0))" } ?? "")
        }
        var lines = imported.map { "imported  \(name($0))" }
        lines += failed.map { "FAILED    \(name($0.object)): \($0.errorType)" + ($0.detail.map { ": \($0)" } ?? "") }
        let summary = failed.isEmpty && success
            ? "imported \(successCount) saved objects into \(url)"
            : "imported \(successCount), failed \(failed.count) saved objects into \(url)"
        return lines + [summary]
    }
}
