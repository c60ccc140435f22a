import Alerting
import ClientHTTP
import LogModel

/// Bot API calls through the hub's one libcurl client. The token is part of the URL, so every
/// request carries a display URL without it: the token never reaches a log line or an error.
struct TelegramClient: Sendable {
    let http: HTTPClient
    let baseURL: String

    init(http: HTTPClient, baseURL: String) {
        self.http = http
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
    }

    func call(token: String, method: String, body: JSONValue) async -> TelegramReply {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        let request = HTTPRequest(method: .post, url: "\(baseURL)/bot\(token)/\(method)", headers: headers, body: body.serialized(),
                                  timeout: .seconds(15), displayURL: "\(baseURL)/bot<token>/\(method)")
        do {
            let response = try await http.execute(request)
            return TelegramReply.parse(status: response.status, body: response.body)
        } catch {
            return .transient("\(error)")
        }
    }

    /// The inline buttons under an alert (callback data ≤ 64 bytes: the group id, the rest stays in PostgreSQL).
    static func buttons(groupID: Int64) -> JSONValue {
        ["inline_keyboard": [[
            ["text": "✅ Acknowledge", "callback_data": .string("ack:\(groupID)")],
            ["text": "🔕 Silence 1h", "callback_data": .string("sil:\(groupID):3600")],
            ["text": "🔕 Silence 24h", "callback_data": .string("sil:\(groupID):86400")],
        ]]]
    }
}
