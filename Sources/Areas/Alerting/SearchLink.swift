import Alerting
import Foundation

/// The link under an alert: the search page with the group's query and time window.
enum SearchLink {
    static func url(base: String, group: AlertGroupRow, now: Int64) -> String {
        var query = "service.name:\"\(group.service)\" AND service.environment:\"\(group.environment)\""
        if let type = group.errorType { query += " AND error.type:\"\(type)\"" }
        let from = iso(group.state.pendingSince - 60_000)
        let to = iso(max(group.state.lastSeen, group.state.pendingSince) + 60_000)
        return "\(base)/search?q=\(encode(query))&from=\(encode(from))&to=\(encode(to))"
    }

    static func iso(_ ms: Int64) -> String { Date(timeIntervalSince1970: Double(ms) / 1000).ISO8601Format() }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
