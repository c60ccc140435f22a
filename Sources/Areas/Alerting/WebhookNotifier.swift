import Alerting
import ClientHTTP
import ClientPostgres
import Crypto
import Foundation
import LogModel
import Logging

/// A group notification to be posted to a `webhook` receiver.
struct WebhookWork: Sendable {
    var group: AlertGroupRow
    var action: AlertGroupMachine.Action
    var nextCheck: Int64?
    var receiver: AlertingConfiguration.WebhookReceiver
}

/// Posts `{"receiver", "status": "firing"|"resolved", "action": "new"|"update"|"resolved", "alert": {…}}` with
/// `X-Admin-Signature: sha256=<hex HMAC-SHA256(secret, body)>` (GitHub's form), so the receiver can check
/// it came from the hub. 2xx: done; 5xx or no answer: tried again in 5 s; other 4xx: logged, not repeated.
struct WebhookNotifier: Sendable {
    let http: HTTPClient
    let store: AlertStore
    let logger: Logger

    static func signature(_ body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return mac.withUnsafeBytes { LowercaseHex.encode($0, prefix: "sha256=") }
    }

    func send(_ w: WebhookWork, publicURL: String) async {
        let now = AlertEvaluator.now()
        let g = w.group
        let action = w.action == .sendNew ? "new" : (w.action == .resolve ? "resolved" : "update")
        let body = JSONValue.object([
            "receiver": .string(w.receiver.name), "status": .string(w.action == .resolve ? "resolved" : "firing"), "action": .string(action),
            "alert": [
                "id": .int(g.id), "fingerprint": .string(g.fingerprint), "level": .string(g.level), "service": .string(g.service),
                "environment": .string(g.environment), "error_type": g.errorType.map(JSONValue.string) ?? .null, "message": .string(g.message),
                "count": .int(g.state.count), "first_seen": .string(SearchLink.iso(g.state.firstSeen)), "last_seen": .string(SearchLink.iso(g.state.lastSeen)),
                "status_note": g.statusNote.map(JSONValue.string) ?? .null, "url": .string(SearchLink.url(base: publicURL, group: g, now: now)),
            ],
        ]).serialized()
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "X-Admin-Signature", value: Self.signature(body, secret: w.receiver.secret))
        headers.add(name: "User-Agent", value: "admin-hub/1.0")
        var outcome = "sent"
        var retry = false
        do {
            let response = try await http.execute(HTTPRequest(method: .post, url: w.receiver.url, headers: headers, body: body, timeout: .seconds(15)))
            if response.status >= 500 { (outcome, retry) = ("failed", true) } else if !response.isSuccess { outcome = "failed" }
        } catch {
            (outcome, retry) = ("failed", true)
        }
        AlertingMetrics.notification(w.receiver.name, outcome)
        if outcome == "sent", AlertGroupMachine.notifiesEpisodeFirst(g.state, w.action) {
            AlertingMetrics.delay(w.receiver.name, milliseconds: now - g.state.pendingSince)
        }
        do {
            try await store.database.transaction { c in
                if retry {
                    try await store.save(g.id, g.state, nextCheck: now + TelegramDispatcher.retryMillis, chatID: nil, on: c)
                } else {
                    let next = AlertGroupMachine.applied(g.state, w.action, now: now, messageID: nil)
                    let rows = try await c.query("SELECT count FROM alert_groups WHERE id = $1 FOR UPDATE", [String(g.id)])
                    let current = Int64(try rows.first?.int("count") ?? 0)
                    try await store.save(g.id, next, nextCheck: current > next.notifiedCount ? now : w.nextCheck, chatID: nil, on: c)
                }
            }
        } catch {
            logger.warning("cannot record a webhook notification", metadata: ["error": "\(error)"])
        }
        await store.log(groupID: g.id, receiver: w.receiver.name, chatID: nil, kind: action, messageID: nil, outcome: outcome, detail: nil)
        if outcome == "failed", !retry { logger.error("alert webhook refused the notification", metadata: ["receiver": "\(w.receiver.name)"]) }
    }
}
