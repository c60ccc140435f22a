import Foundation
import HubKit
import LogModel
public import Operations

/// The `operations:` section. Without `core_url` the area is off: its pages and routes answer, and
/// anything that would reach CORE gets 503 `core_not_configured`.
public struct OperationsConfiguration: Sendable {
    public var coreURL: String
    /// Sent as `Authorization: Bearer …`; never logged, masked by `check-config`.
    public var coreToken: String
    public var clientCertificate: String?
    public var clientKey: String?
    public var coreCA: String?
    public var coreTimeoutMillis: Int
    public var approvalTTLSeconds: Int
    public var ratePerUserPerMinute: Int
    public var dailyCaps: DailyCaps
    public var reconcileIntervalMillis: Int
    /// Sends of one operation before it is left to the background reconciler (503, 503, 201 = one operation).
    public var sendAttempts: Int
    public var catalog: [OperationDefinition]

    public var isEnabled: Bool { !coreURL.isEmpty }

    static let knownKeys: Set<String> = [
        "core_url", "core_token", "core_timeout_ms", "tls.client_cert", "tls.client_key", "tls.ca", "approval_ttl",
        "rate_limit_per_minute", "daily_cap.manager", "daily_cap.senior_manager", "reconcile_interval_ms", "send_attempts",
        "approval.top_up_above", "approval.refund_above", "catalog",
    ]

    static func read(_ r: ConfigurationReader) -> OperationsConfiguration {
        let url = r.string("operations.core_url", env: "ADMIN_CORE_URL", default: "", help: "CORE's internal API base URL; empty = operations off")
        let token = r.string("operations.core_token", env: "ADMIN_CORE_TOKEN", default: "", secret: true, help: "CORE service token (Bearer)")
        let cert = r.string("operations.tls.client_cert", env: "ADMIN_CORE_TLS_CLIENT_CERT", default: "", help: "mutual TLS: client certificate (PEM)")
        let key = r.string("operations.tls.client_key", env: "ADMIN_CORE_TLS_CLIENT_KEY", default: "", help: "mutual TLS: client key (PEM)")
        let ca = r.string("operations.tls.ca", env: "ADMIN_CORE_TLS_CA", default: "", help: "CA bundle CORE's certificate must chain to")
        let timeout = r.int("operations.core_timeout_ms", env: "ADMIN_CORE_TIMEOUT_MS", default: 10_000, range: 100...300_000,
                            help: "one CORE call; past it the outcome is unknown and is reconciled")
        let ttlText = r.string("operations.approval_ttl", env: "ADMIN_OPERATIONS_APPROVAL_TTL", default: "24h",
                               help: "an operation waiting for approval longer than this expires")
        let rate = r.int("operations.rate_limit_per_minute", env: "ADMIN_OPERATIONS_RATE_LIMIT_PER_MINUTE", default: 30, range: 1...100_000,
                         help: "operations one user may start per minute (429 above)")
        let managerCap = r.string("operations.daily_cap.manager", env: "ADMIN_OPERATIONS_DAILY_CAP_MANAGER", default: "100000.00",
                                  help: "RUB a manager may move per UTC day (403 above)")
        let seniorCap = r.string("operations.daily_cap.senior_manager", env: "ADMIN_OPERATIONS_DAILY_CAP_SENIOR_MANAGER", default: "1000000.00",
                                 help: "RUB a senior manager may move per UTC day")
        let reconcile = r.int("operations.reconcile_interval_ms", env: "ADMIN_OPERATIONS_RECONCILE_INTERVAL_MS", default: 2000, range: 50...600_000,
                              help: "how often unknown, stuck and expired operations are looked at")
        let attempts = r.int("operations.send_attempts", env: "ADMIN_OPERATIONS_SEND_ATTEMPTS", default: 3, range: 1...20,
                             help: "sends of one operation (each after asking CORE whether the last applied) before the reconciler takes over")
        let topUpAbove = r.string("operations.approval.top_up_above", env: "ADMIN_OPERATIONS_TOP_UP_APPROVAL_ABOVE", default: "50000.00",
                                  help: "a top-up above this many RUB needs a second person (default catalog)")
        let refundAbove = r.string("operations.approval.refund_above", env: "ADMIN_OPERATIONS_REFUND_APPROVAL_ABOVE", default: "10000.00",
                                   help: "a refund above this many RUB needs a second person (default catalog)")

        if !url.isEmpty, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            r.fail("operations.core_url (ADMIN_CORE_URL): '\(url)' must start with http:// or https://")
        }
        if !url.isEmpty, token.isEmpty { r.fail("operations.core_token (ADMIN_CORE_TOKEN) must be set when operations.core_url is") }
        if cert.isEmpty != key.isEmpty {
            r.fail("operations.tls.client_cert (ADMIN_CORE_TLS_CLIENT_CERT) and operations.tls.client_key (ADMIN_CORE_TLS_CLIENT_KEY) go together")
        }
        for (name, env, path) in [("tls.client_cert", "ADMIN_CORE_TLS_CLIENT_CERT", cert), ("tls.client_key", "ADMIN_CORE_TLS_CLIENT_KEY", key),
                                  ("tls.ca", "ADMIN_CORE_TLS_CA", ca)] where !path.isEmpty && !FileManager.default.isReadableFile(atPath: path) {
            r.fail("operations.\(name) (\(env)): cannot read '\(path)'")
        }
        let ttl = Self.seconds(ttlText)
        if ttl == nil { r.fail("operations.approval_ttl (ADMIN_OPERATIONS_APPROVAL_TTL): '\(ttlText)' is not a duration like 30s, 15m, 24h or 7d") }
        func rub(_ key: String, _ env: String, _ text: String) -> Money {
            switch Money.parse(amount: text, currency: "RUB") {
            case .success(let money): return money
            case .failure(let error):
                r.fail("operations.\(key) (\(env)): \(error.description)")
                return Money(amount: .zero, currency: .rub)
            }
        }
        let caps = DailyCaps(caps: ["manager": rub("daily_cap.manager", "ADMIN_OPERATIONS_DAILY_CAP_MANAGER", managerCap).amount,
                                    "senior_manager": rub("daily_cap.senior_manager", "ADMIN_OPERATIONS_DAILY_CAP_SENIOR_MANAGER", seniorCap).amount])
        let topUpThreshold = rub("approval.top_up_above", "ADMIN_OPERATIONS_TOP_UP_APPROVAL_ABOVE", topUpAbove)
        let refundThreshold = rub("approval.refund_above", "ADMIN_OPERATIONS_REFUND_APPROVAL_ABOVE", refundAbove)

        // Read last: `section` marks every `operations.*` file key as read, so unknown ones are checked here.
        var catalog = DefaultCatalog.catalog.map { operation -> OperationDefinition in
            var changed = operation
            if operation.name == "top_up" { changed.approval = .above(topUpThreshold) }
            if operation.name == "refund" { changed.approval = .above(refundThreshold) }
            return changed
        }
        if let section = r.section("operations") as? [String: Any] {
            for key in Self.flatKeys(section).sorted() where !knownKeys.contains(key) {
                r.fail("unknown key 'operations.\(key)' in \(r.filePath ?? "the configuration file")")
            }
            if let configured = section["catalog"] {
                let (decoded, problems) = CatalogCoding.decode(Self.json(configured))
                for problem in problems { r.fail(problem.description) }
                catalog = decoded
            }
        }
        for problem in CatalogValidator().problems(catalog) { r.fail(problem.description) }

        return OperationsConfiguration(
            coreURL: url.hasSuffix("/") ? String(url.dropLast()) : url, coreToken: token, clientCertificate: cert.isEmpty ? nil : cert,
            clientKey: key.isEmpty ? nil : key, coreCA: ca.isEmpty ? nil : ca, coreTimeoutMillis: timeout, approvalTTLSeconds: ttl ?? 86_400,
            ratePerUserPerMinute: rate, dailyCaps: caps, reconcileIntervalMillis: reconcile, sendAttempts: attempts, catalog: catalog)
    }

    /// `30s`, `15m`, `24h`, `7d`, or plain seconds.
    static func seconds(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let last = trimmed.last, let unit = units[last], let n = Int(trimmed.dropLast()), n > 0 { return n * unit }
        if let n = Int(trimmed), n > 0 { return n }
        return nil
    }

    /// `tls.ca`-style keys of a loaded mapping (lists and the catalog are leaves).
    static func flatKeys(_ mapping: [String: Any], prefix: String = "") -> [String] {
        mapping.flatMap { key, value -> [String] in
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if key == "catalog", prefix.isEmpty { return [path] }
            if let nested = value as? [String: Any] { return flatKeys(nested, prefix: path) }
            return [path]
        }
    }

    /// What Yams loaded, as JSON (the catalog decoder reads JSON).
    static func json(_ value: Any) -> JSONValue {
        switch value {
        case let b as Bool: return .bool(b)
        case let n as Int: return .int(Int64(n))
        case let d as Double: return .string(String(d))
        case let s as String: return .string(s)
        case let list as [Any]: return .array(list.map(json))
        case let map as [String: Any]:
            var object = JSONObject()
            for key in map.keys.sorted() { object.append(key, json(map[key]!)) }
            return .object(object)
        default: return .null
        }
    }
}
