import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// Every route of the hub × every kind of caller → the expected status.
///
/// Who may use a route is read from the hub itself (`admin routes` prints each route with the access
/// its registration declares, the same declaration the gate enforces); this table gives each route a
/// sample request and the status an allowed caller gets. The expected status of each caller is derived:
/// allowed callers get the row's `allowed` status (chosen so that an allowed call changes nothing:
/// an unknown id, a body that fails validation), anonymous, disabled and signed-out callers get 401
/// (API) or a redirect to /login (pages), callers without the permission get 403. The table must
/// list exactly the routes `admin routes` prints, so a new route cannot slip in without a row.
final class AuthorizationMatrixTests: StaffTestCase {
    enum Access {
        /// Anyone (health, metrics, login, assets, set-password links).
        case open
        /// An ingest token; no staff credential is one.
        case ingestToken
        /// Any signed-in staff member (own account).
        case signedIn
        case permission(String)
        /// An HTML page: like `signedIn`/`permission`, but anonymous callers are redirected.
        case page(String?)
    }

    struct Row {
        let method: HTTPMethod
        let pattern: String
        let path: String
        var json: String? = nil
        let allowed: Int
        /// Ends the caller's session: run after the caller's other rows.
        var endsSession = false
    }

    static let table: [Row] = [
        Row(method: .get, pattern: "/healthz", path: "/healthz", allowed: 200),
        Row(method: .get, pattern: "/readyz", path: "/readyz", allowed: 200),
        Row(method: .get, pattern: "/metrics", path: "/metrics", allowed: 200),
        Row(method: .get, pattern: "/api/v1/openapi.yaml", path: "/api/v1/openapi.yaml", allowed: 200),
        Row(method: .get, pattern: "/api/v1/status", path: "/api/v1/status", allowed: 200),
        Row(method: .get, pattern: "/status", path: "/status", allowed: 200),
        Row(method: .get, pattern: "/assets/status.js", path: "/assets/status.js", allowed: 200),
        Row(method: .post, pattern: "/api/v1/logs", path: "/api/v1/logs", json: "{}", allowed: 202),
        // The Elasticsearch input (off in this hub: 404 once the ingest token is checked).
        Row(method: .get, pattern: "/es", path: "/es", allowed: 404),
        Row(method: .head, pattern: "/es", path: "/es", allowed: 404),
        Row(method: .get, pattern: "/es/_license", path: "/es/_license", allowed: 404),
        Row(method: .get, pattern: "/es/_xpack", path: "/es/_xpack", allowed: 404),
        Row(method: .get, pattern: "/es/_cluster/health", path: "/es/_cluster/health", allowed: 404),
        Row(method: .get, pattern: "/es/_cat/health", path: "/es/_cat/health", allowed: 404),
        Row(method: .post, pattern: "/gelf", path: "/gelf", json: "{}", allowed: 404),
        Row(method: .post, pattern: "/v1/logs", path: "/v1/logs", json: "{}", allowed: 404),
        Row(method: .post, pattern: "/es/_bulk", path: "/es/_bulk", json: "{}", allowed: 404),
        Row(method: .put, pattern: "/es/_bulk", path: "/es/_bulk", json: "{}", allowed: 404),
        Row(method: .post, pattern: "/es/{index}/_bulk", path: "/es/app/_bulk", json: "{}", allowed: 404),
        Row(method: .put, pattern: "/es/{index}/_bulk", path: "/es/app/_bulk", json: "{}", allowed: 404),
        Row(method: .get, pattern: "/api/v1/dead-letters", path: "/api/v1/dead-letters", allowed: 200),
        Row(method: .post, pattern: "/api/v1/dead-letters/replay", path: "/api/v1/dead-letters/replay",
            json: "{}", allowed: 400),
        Row(method: .post, pattern: "/api/v1/dead-letters/discard", path: "/api/v1/dead-letters/discard",
            json: "{}", allowed: 400),
        Row(method: .get, pattern: "/dead-letters", path: "/dead-letters", allowed: 200),
        Row(method: .post, pattern: "/api/v1/auth/login", path: "/api/v1/auth/login", json: "{}", allowed: 400),
        Row(method: .post, pattern: "/api/v1/auth/logout", path: "/api/v1/auth/logout", allowed: 200, endsSession: true),
        Row(method: .get, pattern: "/api/v1/auth/me", path: "/api/v1/auth/me", allowed: 200),
        Row(method: .get, pattern: "/api/v1/users", path: "/api/v1/users", allowed: 200),
        Row(method: .post, pattern: "/api/v1/users", path: "/api/v1/users",
            json: #"{"email":"not an e-mail","roles":["support"]}"#, allowed: 400),
        Row(method: .put, pattern: "/api/v1/users/{id}/roles", path: "/api/v1/users/999999/roles",
            json: #"{"roles":["support"]}"#, allowed: 404),
        Row(method: .post, pattern: "/api/v1/users/{id}/roles", path: "/api/v1/users/999999/roles",
            json: #"{"roles":["support"]}"#, allowed: 404),
        Row(method: .post, pattern: "/api/v1/users/{id}/disable", path: "/api/v1/users/999999/disable", allowed: 404),
        Row(method: .post, pattern: "/api/v1/users/{id}/enable", path: "/api/v1/users/999999/enable", allowed: 404),
        Row(method: .post, pattern: "/api/v1/users/{id}/reset-link", path: "/api/v1/users/999999/reset-link",
            allowed: 404),
        Row(method: .post, pattern: "/api/v1/users/unlock", path: "/api/v1/users/unlock", json: "{}", allowed: 400),
        Row(method: .get, pattern: "/api/v1/me/tokens", path: "/api/v1/me/tokens", allowed: 200),
        Row(method: .post, pattern: "/api/v1/me/tokens", path: "/api/v1/me/tokens", json: #"{"scopes":["no.such"]}"#, allowed: 400),
        Row(method: .delete, pattern: "/api/v1/me/tokens/{id}", path: "/api/v1/me/tokens/999999", allowed: 404),
        Row(method: .get, pattern: "/api/v1/ingest-tokens", path: "/api/v1/ingest-tokens", allowed: 200),
        Row(method: .post, pattern: "/api/v1/ingest-tokens", path: "/api/v1/ingest-tokens",
            json: #"{"service":"Not A Service!"}"#, allowed: 400),
        Row(method: .delete, pattern: "/api/v1/ingest-tokens/{id}", path: "/api/v1/ingest-tokens/999999", allowed: 404),
        Row(method: .post, pattern: "/api/v1/ingest-tokens/{id}/revoke", path: "/api/v1/ingest-tokens/999999/revoke",
            allowed: 404),
        Row(method: .get, pattern: "/api/v1/audit/security", path: "/api/v1/audit/security", allowed: 200),
        Row(method: .get, pattern: "/api/v1/audit/security.csv", path: "/api/v1/audit/security.csv", allowed: 200),
        Row(method: .get, pattern: "/audit", path: "/audit", allowed: 200),
        // Alerting
        Row(method: .get, pattern: "/api/v1/alerts", path: "/api/v1/alerts", allowed: 200),
        Row(method: .post, pattern: "/api/v1/alerts/{id}/ack", path: "/api/v1/alerts/999999/ack", allowed: 404),
        Row(method: .get, pattern: "/api/v1/silences", path: "/api/v1/silences", allowed: 200),
        Row(method: .post, pattern: "/api/v1/silences", path: "/api/v1/silences", json: "{}", allowed: 400),
        Row(method: .delete, pattern: "/api/v1/silences/{id}", path: "/api/v1/silences/999999", allowed: 404),
        Row(method: .get, pattern: "/api/v1/alerting/config", path: "/api/v1/alerting/config", allowed: 200),
        Row(method: .post, pattern: "/api/v1/alerting/reload", path: "/api/v1/alerting/reload", allowed: 200),
        Row(method: .post, pattern: "/api/v1/silences/{id}/expire", path: "/api/v1/silences/999999/expire", allowed: 404),
        Row(method: .get, pattern: "/alerts", path: "/alerts", allowed: 200),
        Row(method: .post, pattern: "/api/v1/telegram/webhook", path: "/api/v1/telegram/webhook", json: "{}", allowed: 404),
        Row(method: .put, pattern: "/api/v1/users/{id}/telegram", path: "/api/v1/users/999999/telegram",
            json: #"{"telegram_user_id":5}"#, allowed: 404),
        Row(method: .post, pattern: "/api/v1/users/{id}/telegram", path: "/api/v1/users/999999/telegram",
            json: #"{"telegram_user_id":5}"#, allowed: 404),
        Row(method: .get, pattern: "/login", path: "/login", allowed: 200),
        Row(method: .get, pattern: "/", path: "/", allowed: 200),
        Row(method: .get, pattern: "/users", path: "/users", allowed: 200),
        Row(method: .get, pattern: "/ingest-tokens", path: "/ingest-tokens", allowed: 200),
        Row(method: .get, pattern: "/set-password", path: "/set-password?token=not-a-link", allowed: 404),
        Row(method: .post, pattern: "/set-password", path: "/set-password", json: "{}", allowed: 400),
        Row(method: .get, pattern: "/assets/app.css", path: "/assets/app.css", allowed: 200),
        Row(method: .get, pattern: "/assets/app.js", path: "/assets/app.js", allowed: 200),
        // Search (no store in this hub: bad input is refused before any store is asked).
        Row(method: .get, pattern: "/api/v1/logs/search", path: "/api/v1/logs/search?q=*pay", allowed: 400),
        Row(method: .get, pattern: "/api/v1/logs/histogram", path: "/api/v1/logs/histogram?q=(", allowed: 400),
        Row(method: .get, pattern: "/api/v1/logs/facets", path: "/api/v1/logs/facets?q=service:", allowed: 400),
        Row(method: .get, pattern: "/api/v1/logs/access-log", path: "/api/v1/logs/access-log", allowed: 200),
        Row(method: .get, pattern: "/api/v1/logs/{event_id}", path: "/api/v1/logs/not!an!id", allowed: 404),
        Row(method: .get, pattern: "/api/v1/logs/{event_id}/context", path: "/api/v1/logs/not!an!id/context", allowed: 404),
        Row(method: .get, pattern: "/api/v1/logs/tail", path: "/api/v1/logs/tail?q=*x", allowed: 400),
        Row(method: .get, pattern: "/api/v1/logs/export", path: "/api/v1/logs/export?format=xml", allowed: 400),
        Row(method: .get, pattern: "/api/v1/saved-searches", path: "/api/v1/saved-searches", allowed: 200),
        Row(method: .post, pattern: "/api/v1/saved-searches", path: "/api/v1/saved-searches", json: #"{"name":""}"#, allowed: 400),
        Row(method: .delete, pattern: "/api/v1/saved-searches/{id}", path: "/api/v1/saved-searches/999999", allowed: 404),
        Row(method: .get, pattern: "/search", path: "/search", allowed: 200),
        Row(method: .get, pattern: "/assets/search.js", path: "/assets/search.js", allowed: 200),
        Row(method: .get, pattern: "/assets/search.css", path: "/assets/search.css", allowed: 200),
        // Operations (no CORE in this hub: bad input and unknown ids are answered before CORE is asked).
        Row(method: .get, pattern: "/api/v1/operations/catalog", path: "/api/v1/operations/catalog", allowed: 200),
        Row(method: .post, pattern: "/api/v1/operations", path: "/api/v1/operations", json: "{}", allowed: 400),
        Row(method: .get, pattern: "/api/v1/operations", path: "/api/v1/operations", allowed: 200),
        Row(method: .get, pattern: "/api/v1/operations/audit", path: "/api/v1/operations/audit", allowed: 200),
        Row(method: .get, pattern: "/api/v1/operations/{id}", path: "/api/v1/operations/999999", allowed: 404),
        Row(method: .post, pattern: "/api/v1/operations/{id}/approve", path: "/api/v1/operations/999999/approve", json: "{}", allowed: 404),
        Row(method: .post, pattern: "/api/v1/operations/{id}/reject", path: "/api/v1/operations/999999/reject",
            json: #"{"comment":"no"}"#, allowed: 404),
        Row(method: .get, pattern: "/api/v1/shops/{shop_id}", path: "/api/v1/shops/not!an!id", allowed: 400),
        Row(method: .get, pattern: "/operations", path: "/operations", allowed: 200),
        Row(method: .get, pattern: "/assets/operations.js", path: "/assets/operations.js", allowed: 200),
        Row(method: .get, pattern: "/assets/operations.css", path: "/assets/operations.css", allowed: 200),
    ]

    /// A caller of the matrix: how it authenticates and which permissions it holds (nil = it is not
    /// signed in at all: anonymous, disabled, signed out).
    struct Caller {
        let name: String
        let client: StaffClient
        let permissions: Set<String>?
    }

    static let rolePermissions: [String: Set<String>] = [
        "support": ["logs.read"],
        "oncall": ["logs.read", "alerts.manage", "silences.manage"],
        "manager": ["logs.read", "operations.run"],
        "senior_manager": ["logs.read", "operations.run", "operations.approve"],
        "admin": ["logs.read", "alerts.manage", "silences.manage", "operations.run", "operations.approve", "users.manage",
                  "tokens.manage", "deadletters.manage", "config.read", "audit.read"],
    ]

    /// `METHOD /pattern` → the access the hub declares for it, from `admin routes`.
    func declaredAccess() throws -> [String: Access] {
        var access: [String: Access] = [:]
        for line in try cli(["routes"]).split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3 else {
                XCTFail("admin routes printed '\(line)', expected 'METHOD /path ACCESS'")
                continue
            }
            let word = String(parts[2])
            let parsed: Access?
            switch word {
            case "open": parsed = .open
            case "ingest_token": parsed = .ingestToken
            case "signed_in": parsed = .signedIn
            case "page": parsed = .page(nil)
            default:
                if word.hasPrefix("permission:") { parsed = .permission(String(word.dropFirst("permission:".count))) }
                else if word.hasPrefix("page:") { parsed = .page(String(word.dropFirst("page:".count))) }
                else { parsed = nil }
            }
            guard let parsed else {
                XCTFail("unknown access '\(word)' in '\(line)'")
                continue
            }
            access["\(parts[0]) \(parts[1])"] = parsed
        }
        return access
    }

    func testTheTableListsExactlyTheRoutesTheHubRegisters() throws {
        let registered = Set(try declaredAccess().keys)
        let listed = Set(Self.table.map { "\($0.method.rawValue) \($0.pattern)" })
        XCTAssertEqual(listed.count, Self.table.count, "a route is listed twice in the table")
        XCTAssertEqual(registered.subtracting(listed).sorted(), [], "routes without a row in the authorisation table: add them")
        XCTAssertEqual(listed.subtracting(registered).sorted(), [], "rows for routes the hub does not register")
    }

    func testEveryRouteAnswersEveryCallerAsTheTableSays() async throws {
        let hub = try await startStaffHub()
        var callers: [Caller] = [Caller(name: "anonymous", client: .anonymous, permissions: nil)]
        for (role, permissions) in Self.rolePermissions.sorted(by: { $0.key < $1.key }) {
            let email = "\(role.replacingOccurrences(of: "_", with: "-"))@matrix.test"
            try createUser(email, roles: [role])
            callers.append(Caller(name: role, client: try await signIn(hub, email), permissions: permissions))
        }
        let adminToken = try personalToken("admin@matrix.test")
        callers.append(Caller(name: "admin's personal token", client: StaffClient(bearer: adminToken),
                              permissions: Self.rolePermissions["admin"]))
        let narrowToken = try personalToken("admin@matrix.test", scopes: ["logs.read"])
        callers.append(Caller(name: "admin's token scoped to logs.read", client: StaffClient(bearer: narrowToken), permissions: ["logs.read"]))

        try createUser("gone@matrix.test", roles: ["admin"])
        let disabled = try await signIn(hub, "gone@matrix.test")
        try cli(["user", "disable", "--email", "gone@matrix.test"])
        callers.append(Caller(name: "disabled user's session", client: disabled, permissions: nil))
        try createUser("left@matrix.test", roles: ["admin"])
        let signedOut = try await signIn(hub, "left@matrix.test")
        let loggedOut = try await send(hub, .post, "/api/v1/auth/logout", as: signedOut)
        XCTAssertEqual(loggedOut.status, 200)
        callers.append(Caller(name: "ended session", client: signedOut, permissions: nil))
        callers.append(Caller(name: "forged session cookie", client: StaffClient(cookie: "dmp_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                                                                  csrf: "x"), permissions: nil))

        let access = try declaredAccess()
        let rows = Self.table.filter { !$0.endsSession } + Self.table.filter(\.endsSession)
        var mismatches: [String] = []
        for caller in callers {
            for row in rows {
                guard let declared = access["\(row.method.rawValue) \(row.pattern)"] else {
                    mismatches.append("\(row.method) \(row.pattern) is not registered by the hub")
                    continue
                }
                let expected = Self.expected(declared, row, caller)
                let response = try await send(hub, row.method, row.path, as: caller.client, json: row.json)
                var ok = response.status == expected
                if ok, expected == 303 { ok = response.headers["Location"]?.hasPrefix("/login") == true }
                if !ok {
                    mismatches.append("\(caller.name): \(row.method) \(row.path) -> \(response.status), expected \(expected): \(response.bodyText.prefix(160))")
                }
            }
        }
        XCTAssertEqual(mismatches, [], "\n" + mismatches.joined(separator: "\n"))
    }

    static func expected(_ access: Access, _ row: Row, _ caller: Caller) -> Int {
        switch access {
        case .open:
            return row.allowed
        case .ingestToken:
            return 401
        case .signedIn:
            return caller.permissions == nil ? 401 : row.allowed
        case .permission(let needed):
            guard let held = caller.permissions else { return 401 }
            return held.contains(needed) ? row.allowed : 403
        case .page(let needed):
            guard let held = caller.permissions else { return 303 }
            if let needed, !held.contains(needed) { return 403 }
            return row.allowed
        }
    }
}
