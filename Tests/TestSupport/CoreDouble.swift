import ClientHTTP
import Foundation
import LogModel
import Synchronization

/// CORE's internal API (docs/core-api.yaml) in memory, on a `RecordingHTTPServer`: shops with
/// balances and movements, payments and refunds, blocking, the idempotency store, 404/409/422 — and
/// faults on demand: drop the connection after applying, answer 503 N times, add latency, or hold
/// mutations until released (to catch the hub mid-`sending`).
///
/// Amounts are kept in minor units (Int64, 2 decimals, RUB-like): the double needs no decimal type.
public final class CoreDouble: Sendable {
    public struct Shop: Sendable {
        public var name: String
        public var state = "active"
        public var balance: Int64
        public var currency = "RUB"
        public var movements: [JSONValue] = []
    }

    public struct Payment: Sendable {
        public var shopID: String
        public var amount: Int64
        public var refunded: Int64 = 0
        public var currency = "RUB"
    }

    /// What to do with mutations that arrive while `hold` is on, once released.
    public enum Release: Sendable { case apply, dropWithoutApplying }

    struct State {
        var shops: [String: Shop] = [:]
        var payments: [String: Payment] = [:]
        var stored: [String: (status: Int, body: String)] = [:]
        var inFlight: Set<String> = []
        var fail503 = 0
        var dropAfterApply = 0
        var latency: Duration = .zero
        var holding = false
        var release: Release?
        var applied = 0
        var movementSequence = 0
    }

    public let server: RecordingHTTPServer
    public let token: String
    private let state = Mutex(State())

    public var baseURL: String { server.baseURL }

    public static func start(token: String = "core-test-token") async throws -> CoreDouble {
        let server = try await RecordingHTTPServer.start()
        let double = CoreDouble(server: server, token: token)
        server.setHandler { [weak double] request in
            guard let double else { return .dropConnection }
            return await double.handle(request)
        }
        return double
    }

    private init(server: RecordingHTTPServer, token: String) {
        self.server = server
        self.token = token
    }

    public func stop() async { await server.stop() }

    // MARK: Set-up and faults

    public func addShop(_ id: String, name: String = "Shop", balance: String = "0.00") {
        let cents = Self.cents(balance) ?? 0
        state.withLock { $0.shops[id] = Shop(name: name, balance: cents) }
    }

    public func addPayment(_ id: String, shop: String, amount: String) {
        state.withLock { $0.payments[id] = Payment(shopID: shop, amount: Self.cents(amount) ?? 0) }
    }

    /// The next `count` mutations answer 503 without applying anything.
    public func fail503(times count: Int) { state.withLock { $0.fail503 = count } }
    /// The next `count` mutations are applied, then the connection is closed without an answer.
    public func dropAfterApplying(times count: Int) { state.withLock { $0.dropAfterApply = count } }
    /// Every request waits this long first.
    public func setLatency(_ latency: Duration) { state.withLock { $0.latency = latency } }
    /// Mutations wait (unapplied) until `release`.
    public func hold() { state.withLock { $0.holding = true; $0.release = nil } }
    public func release(_ how: Release) { state.withLock { $0.holding = false; $0.release = how } }

    // MARK: What happened

    public func shop(_ id: String) -> Shop? { state.withLock { $0.shops[id] } }
    public func balance(_ id: String) -> String? { shop(id).map { Self.text($0.balance) } }
    public func movementCount(_ id: String) -> Int { shop(id)?.movements.count ?? 0 }
    /// Mutations CORE applied (repeats of a key not counted).
    public var appliedCount: Int { state.withLock { $0.applied } }
    /// POSTs that reached the double (whatever became of them).
    public var mutationRequests: [RecordedRequest] { server.requests.filter { $0.method == "POST" } }

    // MARK: The API

    func handle(_ request: RecordedRequest) async -> RecordingResponse {
        let latency = state.withLock { $0.latency }
        if latency > .zero { try? await Task.sleep(for: latency) }
        guard request.headers["Authorization"] == "Bearer \(token)" else {
            return Self.error(401, "unauthenticated", "a valid service token is required")
        }
        guard request.headers["X-Request-ID"]?.isEmpty == false, request.headers["X-Admin-Actor"]?.isEmpty == false else {
            return Self.error(400, "missing_headers", "X-Request-ID and X-Admin-Actor are required")
        }
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count >= 3, parts[0] == "internal", parts[1] == "v1" else { return Self.error(404, "not_found", "no such route") }
        let route = Array(parts.dropFirst(2))
        if request.method == "GET" { return read(route, request) }
        guard request.method == "POST" else { return Self.error(405, "method_not_allowed", request.method) }
        return await mutate(route, request)
    }

    private func read(_ route: [String], _ request: RecordedRequest) -> RecordingResponse {
        state.withLock { s in
            if route.count == 2, route[0] == "idempotency" {
                guard let stored = s.stored[route[1]] else { return Self.error(404, "not_found", "no call with this key was applied") }
                return .json(#"{"idempotency_key":"\#(route[1])","http_status":\#(stored.status),"body":\#(stored.body)}"#)
            }
            guard route.count >= 2, route[0] == "shops", let shop = s.shops[route[1]] else {
                return Self.error(404, "shop_not_found", "no shop '\(route.count > 1 ? route[1] : "")'")
            }
            if route.count == 2 {
                return .json(JSONValue.object(["shop_id": .string(route[1]), "name": .string(shop.name), "state": .string(shop.state),
                                               "balance": Self.money(shop.balance, shop.currency)]).jsonString)
            }
            if route.count == 3, route[2] == "movements" {
                let limit = Int(request.queryItems["limit"] ?? "") ?? 50
                return .json(JSONValue.object(["movements": .array(Array(shop.movements.reversed().prefix(limit))), "next_before": .null]).jsonString)
            }
            return Self.error(404, "not_found", "no such route")
        }
    }

    private func mutate(_ route: [String], _ request: RecordedRequest) async -> RecordingResponse {
        guard let key = request.headers["Idempotency-Key"], !key.isEmpty else {
            return Self.error(400, "missing_idempotency_key", "mutations need an Idempotency-Key")
        }
        enum Gate { case answer(RecordingResponse), proceed }
        let gate: Gate = state.withLock { s in
            if s.fail503 > 0 {
                s.fail503 -= 1
                return .answer(Self.error(503, "unavailable", "CORE is restarting"))
            }
            if let stored = s.stored[key] { return .answer(.json(stored.body, status: stored.status)) }
            if s.inFlight.contains(key) { return .answer(Self.error(409, "idempotency_key_in_use", "a call with this key is still running")) }
            s.inFlight.insert(key)
            return .proceed
        }
        if case .answer(let response) = gate { return response }
        defer { _ = state.withLock { $0.inFlight.remove(key) } }
        while state.withLock({ $0.holding }) { try? await Task.sleep(for: .milliseconds(20)) }
        if state.withLock({ $0.release }) == .dropWithoutApplying {
            state.withLock { $0.release = nil }
            return .dropConnection
        }
        let body = (try? JSONParser.parse(request.body)) ?? .object([:])
        let actor = request.headers["X-Admin-Actor"] ?? ""
        return state.withLock { s -> RecordingResponse in
            let (status, text) = Self.apply(route, body, actor: actor, &s)
            s.stored[key] = (status, text)
            if (200..<300).contains(status) { s.applied += 1 }
            if s.dropAfterApply > 0 {
                s.dropAfterApply -= 1
                return .dropConnection
            }
            return .json(text, status: status)
        }
    }

    private static func apply(_ route: [String], _ body: JSONValue, actor: String, _ s: inout State) -> (Int, String) {
        func fail(_ status: Int, _ code: String, _ message: String) -> (Int, String) {
            (status, JSONValue.object(["error": .string(code), "message": .string(message)]).jsonString)
        }
        s.movementSequence += 1
        let operationID = "op-\(s.movementSequence)"
        func applied(_ result: JSONValue) -> (Int, String) {
            (201, JSONValue.object(["operation_id": .string(operationID), "status": "applied", "result": result]).jsonString)
        }
        func move(_ shopID: String, _ kind: String, _ delta: Int64, _ reason: String) -> JSONValue {
            s.shops[shopID]!.balance += delta
            let shop = s.shops[shopID]!
            let movement: JSONValue = ["movement_id": .string("m-\(s.movementSequence)"), "at": .string(Date().formatted(.iso8601)),
                                       "kind": .string(kind), "amount": money(delta, shop.currency), "balance_after": money(shop.balance, shop.currency),
                                       "reason": .string(reason), "operation_id": .string(operationID), "actor": .string(actor)]
            s.shops[shopID]!.movements.append(movement)
            return ["balance": money(shop.balance, shop.currency), "movement_id": .string("m-\(s.movementSequence)")]
        }
        let reason = body["reason"]?.stringValue ?? ""
        if route.count == 2, route[0] == "system" {
            return applied(["operation": .string(route[1]), "arguments": body])
        }
        if route.count == 3, route[0] == "payments", route[2] == "refunds" {
            guard var payment = s.payments[route[1]] else { return fail(404, "payment_not_found", "no payment '\(route[1])'") }
            guard let amount = cents(body["amount"]?.stringValue ?? ""), amount > 0 else { return fail(422, "invalid_amount", "amount must be a positive decimal string") }
            guard body["currency"]?.stringValue == payment.currency else { return fail(422, "currency_mismatch", "the payment is in \(payment.currency)") }
            guard payment.refunded + amount <= payment.amount else {
                return fail(422, "refund_exceeds_payment", "only \(text(payment.amount - payment.refunded)) \(payment.currency) of this payment can still be refunded")
            }
            payment.refunded += amount
            s.payments[route[1]] = payment
            return applied(move(payment.shopID, "refund", -amount, reason))
        }
        guard route.count == 3, route[0] == "shops" else { return fail(404, "not_found", "no such route") }
        guard let shop = s.shops[route[1]] else { return fail(404, "shop_not_found", "no shop '\(route[1])'") }
        switch route[2] {
        case "top-ups", "corrections":
            let signed = route[2] == "corrections"
            guard let amount = cents(body["amount"]?.stringValue ?? ""), signed ? amount != 0 : amount > 0 else {
                return fail(422, "invalid_amount", "amount must be a decimal string")
            }
            guard body["currency"]?.stringValue == shop.currency else { return fail(422, "currency_mismatch", "the shop's balance is in \(shop.currency)") }
            if shop.state == "blocked", !signed { return fail(409, "shop_blocked", "the shop is blocked") }
            if shop.balance + amount < 0 { return fail(422, "insufficient_balance", "the balance would go below zero") }
            return applied(move(route[1], signed ? "correction" : "top_up", amount, reason))
        case "block":
            guard shop.state == "active" else { return fail(409, "shop_already_blocked", "the shop is already blocked") }
            s.shops[route[1]]!.state = "blocked"
            return applied(["state": "blocked"])
        case "unblock":
            guard shop.state == "blocked" else { return fail(409, "shop_not_blocked", "the shop is not blocked") }
            s.shops[route[1]]!.state = "active"
            return applied(["state": "active"])
        default:
            return fail(404, "not_found", "no such route")
        }
    }

    // MARK: Amounts (two decimals)

    public static func cents(_ text: String) -> Int64? {
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), parts[0].allSatisfy(\.isNumber) else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            guard (1...2).contains(parts[1].count), parts[1].allSatisfy(\.isNumber), let f = Int64(parts[1]) else { return nil }
            fraction = parts[1].count == 1 ? f * 10 : f
        }
        let value = whole * 100 + fraction
        return negative ? -value : value
    }

    public static func text(_ cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func money(_ cents: Int64, _ currency: String) -> JSONValue { ["amount": .string(text(cents)), "currency": .string(currency)] }

    static func error(_ status: Int, _ code: String, _ message: String) -> RecordingResponse {
        .json(JSONValue.object(["error": .string(code), "message": .string(message)]).jsonString, status: status)
    }
}
