import Alerting
import ClientPostgres
import Foundation
import HubKit
import HTTPTypes
import Hummingbird
import Identity
import LogModel
import Logging

/// `POST /api/v1/telegram/webhook`: the alert buttons. The secret Telegram sends is compared in
/// constant time; each `update_id` acts once (Telegram retries); only Telegram users linked to a
/// staff account holding `alerts.manage` (Acknowledge) or `silences.manage` (Silence) may act, the
/// others get a polite refusal in the callback answer and nothing changes.
/// Also `PUT /api/v1/users/{id}/telegram` to link a staff account (`users.manage`).
struct TelegramWebhookRoutes {
    let settings: AlertingSettings
    var configuration: AlertingConfiguration { settings.current }
    let actions: AlertActions
    let client: TelegramClient
    let logger: Logger

    static let secretHeader = HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!

    func register(on routes: HubRoutes) {
        routes.open(.post, "/api/v1/telegram/webhook") { request, _ in
            guard !configuration.webhookSecret.isEmpty else {
                return JSONResponse.error(.notFound, code: "webhook_disabled",
                                          message: "set alerting.telegram.webhook_secret (ADMIN_TELEGRAM_WEBHOOK_SECRET) to use the alert buttons")
            }
            guard ConstantTime.equals(request.headers[Self.secretHeader] ?? "", configuration.webhookSecret) else {
                return JSONResponse.error(.unauthorized, code: "invalid_secret", message: "wrong X-Telegram-Bot-Api-Secret-Token")
            }
            let input: RequestInput
            do { input = try await RequestInput.read(request) } catch let refusal as Refusal { return refusal.response }
            guard case .int(let updateID)? = input.object["update_id"] else {
                return JSONResponse.error(.badRequest, code: "invalid_update", message: "an update needs an integer update_id")
            }
            let fresh = try await actions.store.database.query(
                "INSERT INTO alert_telegram_updates (update_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING update_id", [String(updateID)])
            guard !fresh.isEmpty else { return JSONResponse.make(.ok, ["ok": true, "duplicate": true]) }
            if let callback = input.object["callback_query"], case .object = callback {
                await handle(callback)
            }
            return JSONResponse.make(.ok, ["ok": true])
        }
        for method in [HTTPRequest.Method.put, .post] {
            routes.staff(method, "/api/v1/users/{id}/telegram", .usersManage) { _, call in
                let id = try call.id(what: "user")
                guard let user = try await actions.identity.users.user(id: id) else {
                    throw Refusal.json(.notFound, "unknown_user", "no user with id '\(id)'")
                }
                let telegramID = try call.input.int64("telegram_user_id")
                if let telegramID, telegramID <= 0 {
                    throw Refusal.json(.badRequest, "invalid_telegram_user_id", "telegram_user_id must be a positive number (or null to unlink)")
                }
                let updated = try await actions.identity.administration.updateProfile(
                    userID: id, displayName: user.displayName, telegramUserID: telegramID, by: call.audit)
                return JSONResponse.make(.ok, ["user": StaffJSON.user(updated)])
            }
        }
    }

    /// `ack:<group>` or `sil:<group>:<seconds>` from a button.
    func handle(_ callback: JSONValue) async {
        guard let callbackID = callback["id"]?.stringValue, case .int(let from)? = callback["from"]?["id"],
              let data = callback["data"]?.stringValue else { return }
        let parts = data.split(separator: ":").map(String.init)
        guard parts.count >= 2, let groupID = Int64(parts[1]) else { return await answer(callbackID, "Unknown button.", token: nil) }
        let group = try? await actions.group(groupID)
        var token: String?
        if let group, case .telegram(let r)? = configuration.receivers[group.receiver] { token = r.botToken }
        let needed: Permission = parts[0] == "ack" ? .alertsManage : .silencesManage
        guard let user = await linkedUser(from), !user.isDisabled, user.permissions.contains(needed) else {
            logger.notice("alert button refused", metadata: ["telegram.user_id": "\(from)", "button": "\(parts[0])"])
            return await answer(callbackID, "Sorry, your Telegram account is not linked to a staff account allowed to do this. Nothing was changed.",
                                token: token, alert: true)
        }
        let context = AuditContext.user(user, clientIP: "telegram", userAgent: "telegram-webhook")
        do {
            switch parts[0] {
            case "ack":
                _ = try await actions.acknowledge(groupID, by: user, context: context)
                await answer(callbackID, "Acknowledged.", token: token)
            case "sil":
                let seconds = parts.count > 2 ? Int64(parts[2]) ?? 3600 : 3600
                guard [3600, 86400].contains(seconds) else { return await answer(callbackID, "Unknown button.", token: token) }
                _ = try await actions.silence(groupID, seconds: seconds, by: user, context: context)
                await answer(callbackID, "Silenced for \(seconds / 3600)h.", token: token)
            default:
                await answer(callbackID, "Unknown button.", token: token)
            }
        } catch AlertActions.Failure.resolved {
            await answer(callbackID, "This alert is already resolved.", token: token)
        } catch {
            logger.warning("alert button failed", metadata: ["error": "\(error)"])
            await answer(callbackID, "That did not work; try again or use the alerts page.", token: token)
        }
    }

    func linkedUser(_ telegramID: Int64) async -> StaffUser? {
        guard let rows = try? await actions.store.database.query("SELECT id FROM staff_users WHERE telegram_user_id = $1", [String(telegramID)]),
              let id = try? rows.first?.int("id") else { return nil }
        return try? await actions.identity.users.user(id: Int64(id))
    }

    func answer(_ callbackID: String, _ text: String, token: String?, alert: Bool = false) async {
        var botToken = token
        if botToken == nil {
            for receiver in configuration.receivers.values { if case .telegram(let r) = receiver { botToken = r.botToken; break } }
        }
        guard let botToken else { return }
        let reply = await client.call(token: botToken, method: "answerCallbackQuery",
                                      body: ["callback_query_id": .string(callbackID), "text": .string(String(text.prefix(200))), "show_alert": .bool(alert)])
        if case .rejected(let description) = reply {
            // "query is too old": the button still did its work; nothing to show.
            logger.info("answerCallbackQuery refused", metadata: ["reason": "\(description)"])
        }
    }
}
