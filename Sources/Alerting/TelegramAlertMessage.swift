import Foundation

/// The text of a group's Telegram message: severity, service and environment, count, first and
/// last seen, a short excerpt (error type and message, then the stack's tail), a link to the
/// search page for the group's query and time window, and the acknowledgement or resolution.
public struct TelegramAlertMessage: Sendable {
    public var level: String
    public var service: String
    public var environment: String
    public var count: Int64
    public var firstSeen: Int64
    public var lastSeen: Int64
    public var errorType: String?
    public var message: String
    public var stackTrace: String?
    public var searchURL: String
    /// "Acknowledged by Ann, 10:07", "Resolved", "Silenced until …".
    public var status: String?

    public init(level: String, service: String, environment: String, count: Int64, firstSeen: Int64, lastSeen: Int64,
                errorType: String?, message: String, stackTrace: String?, searchURL: String, status: String? = nil) {
        self.level = level
        self.service = service
        self.environment = environment
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.errorType = errorType
        self.message = message
        self.stackTrace = stackTrace
        self.searchURL = searchURL
        self.status = status
    }

    public func render() -> String {
        var t = TelegramHTML()
        t.text(icon + " ")
        t.tagged("b", level.uppercased(), limit: 20)
        t.text(" ")
        t.text("\(service) / \(environment)", limit: 200)
        t.text("\n")
        if let errorType, !errorType.isEmpty {
            t.tagged("b", errorType, limit: 200)
            t.text(": ")
        }
        t.text(message, limit: 1000)
        t.text("\nCount: \(count) · first \(Self.timeText(firstSeen)) · last \(Self.timeText(lastSeen)) UTC\n")
        if let status {
            t.tagged("i", status, limit: 200)
            t.text("\n")
        }
        t.link("Open logs", url: searchURL)
        if let stackTrace, !stackTrace.isEmpty {
            // The stack goes last and takes what room is left; its tail is the interesting part.
            let room = t.remaining(reserve: 4)
            if room > 40 {
                t.text("\n")
                let lines = stackTrace.split(separator: "\n", omittingEmptySubsequences: false)
                var tail = ""
                for line in lines.reversed() {
                    let candidate = tail.isEmpty ? String(line) : String(line) + "\n" + tail
                    if candidate.utf16.count > room - 2 { break }
                    tail = candidate
                }
                if tail.isEmpty { tail = String(String(stackTrace.suffix(room - 2))) }
                t.tagged("pre", tail, limit: room - 1)
            }
        }
        return t.html
    }

    var icon: String {
        switch level {
        case "critical", "alert", "emergency": return "🔴"
        case "error": return "🟠"
        case "warning": return "🟡"
        default: return "🔵"
        }
    }

    public static func timeText(_ ms: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { let v = n ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }
}
