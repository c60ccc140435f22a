public import LogModel

/// What a Bot API answer means for the hub (protocols.md 2.1, 2.4): branch on `ok`, the status and
/// `parameters`, never on `description` alone.
public enum TelegramReply: Sendable, Equatable {
    case ok(messageID: Int64?)
    /// `editMessage*` with identical content: nothing to do, it already shows this.
    case notModified
    /// 429: nothing to this chat for exactly this many seconds, then the same request again.
    case retryAfter(seconds: Int64)
    /// The group became a supergroup: use this chat id from now on and send again.
    case migrated(to: Int64)
    /// 403: the bot was removed or blocked; the receiver is disabled.
    case forbidden(String)
    /// 401: the token is wrong.
    case unauthorized(String)
    /// Other 4xx: this request will never succeed as it is.
    case rejected(String)
    /// 5xx or an unreadable answer: try again later.
    case transient(String)

    public static func parse(status: Int, body: [UInt8]) -> TelegramReply {
        let json = try? JSONParser.parse(body)
        let description = json?["description"]?.stringValue ?? "HTTP \(status)"
        if json?["ok"] == .bool(true), (200..<300).contains(status) {
            if case .int(let id)? = json?["result"]?["message_id"] { return .ok(messageID: id) }
            return .ok(messageID: nil)
        }
        let parameters = json?["parameters"]
        if case .int(let seconds)? = parameters?["retry_after"] { return .retryAfter(seconds: max(0, seconds)) }
        if case .int(let chat)? = parameters?["migrate_to_chat_id"] { return .migrated(to: chat) }
        if status == 429 { return .retryAfter(seconds: 1) }
        if description.contains("message is not modified") { return .notModified }
        switch status {
        case 401: return .unauthorized(description)
        case 403: return .forbidden(description)
        case 400..<500: return .rejected(description)
        default: return .transient(description)
        }
    }
}
