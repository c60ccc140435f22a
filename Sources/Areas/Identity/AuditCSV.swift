import Foundation
import Identity

/// The security audit as CSV (RFC 4180): one row per entry, details as `key=value` pairs.
enum AuditCSV {
    /// An export stops here; narrow the filters for more.
    static let maximumRows = 100_000

    static let header = "id,at,actor,action,target,client_ip,user_agent,details\r\n"

    static func row(_ entry: SecurityAuditEntry) -> String {
        let details = entry.details.keys.sorted().map { "\($0)=\(entry.details[$0] ?? "")" }.joined(separator: "; ")
        return [String(entry.id), entry.at.formatted(.iso8601), entry.actor, entry.action, entry.target, entry.clientIP,
                entry.userAgent, details].map(field).joined(separator: ",") + "\r\n"
    }

    /// Quoted when needed; a leading `=`, `+`, `-` or `@` is defused so a spreadsheet never runs it as a formula.
    static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
