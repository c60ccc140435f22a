import Foundation

/// The composable index template for the daily indices, with explicit mappings for the stored document
/// (ingest-contract.md, "The stored document").
///
/// Why explicit: dynamic mapping would guess from the first event of each day (a numeric-looking
/// `http.request.id` becoming `long`, then rejecting the next one). Strings outside the known fields map
/// to `keyword` (a `labels.*` value is always a string), and `attributes` is one field per object so its
/// free-form contents cannot conflict. Plain `text` is used on both distributions (no `match_only_text`/
/// `wildcard`, which OpenSearch lacks), so the search code sees the same field types everywhere.
///
/// Type stability (a field must have one type in every event and every daily index, or a later event
/// is refused and dead-lettered): every field the hub writes is mapped explicitly, including the
/// counters and `ingest.client_ip`; date and numeric detection are off, so no string is ever guessed
/// into a `date` or `long` by the first event of a day; label keys never contain dots and label values
/// are always strings (the transforms' StorableKey and ExtraFields), so `labels.x` is a keyword and
/// can never turn into an object.
enum IndexTemplate {
    /// Bumped whenever the mapping changes; stored in the template's `_meta`.
    /// 2: date/numeric detection off, explicit `event.dropped_keys`, `event.flattened_values`, `ingest`.
    static let version = 2
    /// Above Elasticsearch's built-in `logs-*-*` (100) and the 200 the docs advise staying clear of.
    static let priority = 500

    static func body(prefix: String, distribution: ElasticsearchDistribution, shards: Int, replicas: Int?) -> [UInt8] {
        var indexSettings: [String: Any] = ["number_of_shards": shards]
        if let replicas { indexSettings["number_of_replicas"] = replicas }
        let template: [String: Any] = [
            "index_patterns": ["\(prefix)-*"],
            "priority": priority,
            "_meta": ["managed_by": "datamp-admin", "template_version": version],
            "template": [
                "settings": ["index": indexSettings],
                "mappings": mappings(distribution),
            ] as [String: Any],
        ]
        // Only literals above: serialisation cannot fail.
        let data = (try? JSONSerialization.data(withJSONObject: template, options: [.sortedKeys])) ?? Data()
        return Array(data)
    }

    static func mappings(_ distribution: ElasticsearchDistribution) -> [String: Any] {
        let keyword: [String: Any] = ["type": "keyword", "ignore_above": 1024]
        let date: [String: Any] = ["type": "date"]
        let textWithKeyword: [String: Any] = [
            "type": "text",
            "fields": ["keyword": ["type": "keyword", "ignore_above": 256]],
        ]
        func object(_ properties: [String: Any]) -> [String: Any] { ["properties": properties] }

        let long: [String: Any] = ["type": "long"]
        return [
            "date_detection": false,
            "numeric_detection": false,
            "dynamic_templates": [
                ["labels_as_keyword": ["path_match": "labels.*", "mapping": keyword]],
                ["strings_as_keyword": ["match_mapping_type": "string", "mapping": keyword]],
            ],
            "properties": [
                "@timestamp": date,
                "message": textWithKeyword,
                "event": object([
                    "id": keyword, "dataset": keyword, "ingested": date,
                    "original_timestamp": keyword, "truncated": ["type": "boolean"],
                    "dropped_keys": long, "flattened_values": long,
                ]),
                "log": object(["level": keyword, "logger": keyword, "original_level": keyword]),
                "service": object(["name": keyword, "environment": keyword]),
                "host": object(["name": keyword]),
                "trace": object(["id": keyword]),
                "span": object(["id": keyword]),
                "http": object(["request": object(["id": keyword])]),
                "user": object(["id": keyword]),
                "error": object(["type": keyword, "message": textWithKeyword, "stack_trace": ["type": "text"]]),
                "labels": ["type": "object", "dynamic": true],
                "attributes": distribution.attributesMapping,
                "ingest": object(["client_ip": keyword]),
            ] as [String: Any],
        ]
    }
}
