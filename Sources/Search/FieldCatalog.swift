/// The stored document's fields and how each is indexed (Sources/Sinks/Elasticsearch/IndexTemplate.swift
/// is the source of truth for Elasticsearch; MongoDB stores the same shape with BSON dates).
public enum FieldKind: Sendable, Equatable {
    /// Exact strings (`keyword`); numeric-looking values compare numerically where the query's
    /// bounds are numbers (labels are always stored as strings).
    case keyword
    /// `log.level`: a keyword whose order is severity, not the alphabet.
    case level
    /// Analysed text (`message`, `error.message`, `error.stack_trace`): words and phrases.
    case text
    case date
    case number
    case boolean
    /// `attributes.*`: free-form values (flat_object/flattened strings on Elasticsearch, any JSON
    /// type in MongoDB).
    case attribute
}

public enum FieldCatalog {
    /// Fields searched by free words and phrases.
    public static let textFields = ["message", "error.message", "error.stack_trace"]

    static let known: [String: FieldKind] = [
        "@timestamp": .date, "message": .text,
        "event.id": .keyword, "event.dataset": .keyword, "event.ingested": .date, "event.original_timestamp": .keyword,
        "event.truncated": .boolean, "event.dropped_keys": .number, "event.flattened_values": .number,
        "log.level": .level, "log.logger": .keyword, "log.original_level": .keyword,
        "service.name": .keyword, "service.environment": .keyword, "host.name": .keyword,
        "trace.id": .keyword, "span.id": .keyword, "http.request.id": .keyword, "user.id": .keyword,
        "error.type": .keyword, "error.message": .text, "error.stack_trace": .text, "ingest.client_ip": .keyword,
    ]

    /// Short names support staff type (issue 9, section 1).
    public static let aliases: [String: String] = [
        "level": "log.level", "service": "service.name", "env": "service.environment", "logger": "log.logger",
        "host": "host.name", "trace": "trace.id", "request": "http.request.id", "shop": "labels.shop_id",
        "user": "user.id", "id": "event.id", "error": "error.type",
    ]

    /// The stored field a name in a query means: a stored field as is, an alias expanded, anything
    /// else looked up under `labels.` (`status` = `labels.status`).
    public static func resolve(_ name: String) -> String {
        if known[name] != nil || name.hasPrefix("labels.") || name.hasPrefix("attributes.") { return name }
        if let alias = aliases[name] { return alias }
        return "labels." + name
    }

    public static func kind(of field: String) -> FieldKind {
        if let kind = known[field] { return kind }
        if field.hasPrefix("attributes.") { return .attribute }
        return .keyword
    }
}
