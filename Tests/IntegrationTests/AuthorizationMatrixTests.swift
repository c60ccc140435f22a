import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// Every route of the hub × every kind of caller → the expected status, from ONE table.
///
/// Each row says who may use the route; the expected status of each caller is derived from that:
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
        let access: Access
        var json: String? = nil
        let allowed: Int
        /// Ends the caller's session: run after the caller's other rows.
        var endsSession = false
    }

    static let table: [Row] = [
        Row(method: .get, pattern: "/healthz", path: "/healthz", access: .open, allowed: 200),
        Row(method: .get, pattern: "/readyz", path: "/readyz", access: .open, allowed: 200),
        Row(method: .get, pattern: "/metrics", path: "/metrics", access: .open, allowed: 200),
        Row(method: .post, pattern: "/api/v1/logs", path: "/api/v1/logs", access: .ingestToken, json: "{}", allowed: 202),
        Row(method: .get, pattern: "/api/v1/dead-letters", path: "/api/v1/dead-letters", access: .permission("deadletters.manage"), allowed: 200),
        Row(method: .post, pattern: "/api/v1/dead-letters/replay", path: "/api/v1/dead-letters/replay",
            access: .permission("deadletters.manage"), json: "{}", allowed: 400),
        Row(method: .post, pattern: "/api/v1/auth/login", path: "/api/v1/auth/login", access: .open, json: "{}", allowed: 400),
        Row(method: .post, pattern: "/api/v1/auth/logout", path: "/api/v1/auth/logout", access: .signedIn, allowed: 200, endsSession: true),
        Row(method: .get, pattern: "/api/v1/auth/me", path: "/api/v1/auth/me", access: .signedIn, allowed: 200),
        Row(method: .get, pattern: "/api/v1/users", path: "/api/v1/users", access: .permission("users.manage"), allowed: 200),
        Row(method: .post, pattern: "/api/v1/users", path: "/api/v1/users", access: .permission("users.manage"),
            json: #"{"email":"not an e-mail","roles":["support"]}"#, allowed: 400),
        Row(method: .put, pattern: "/api/v1/users/{id}/roles", path: "/api/v1/users/999999/roles", access: .permission("users.manage"),
            json: #"{"roles":["support"]}"#, allowed: 404),
        Row(method: .post, pattern: "/api/v1/users/{id}/roles", path: "/api/v1/users/999999/roles", access: .permission("users.manage"),
            json: #"{"roles":["support"]}"#, allowed: 404),
        Row(method: .post, pattern: "/api/v1/users/{id}/disable", path: "/api/v1/users/999999/disable", access: .permission("users.manage"), allowed: 404),
        Row(method: .post, pattern: "/api/v1/users/{id}/enable", path: "/api/v1/users/999999/enable", access: .permission("users.manage"), allowed: 404),
        Row(method: .post, pattern: "/api/v1/users/{id}/reset-link", path: "/api/v1/users/999999/reset-link",
            access: .permission("users.manage"), allowed: 404),
        Row(method: .post, pattern: "/api/v1/users/unlock", path: "/api/v1/users/unlock", access: .permission("users.manage"), json: "{}", allowed: 400),
        Row(method: .get, pattern: "/api/v1/me/tokens", path: "/api/v1/me/tokens", access: .signedIn, allowed: 200),
        Row(method: .post, pattern: "/api/v1/me/tokens", path: "/api/v1/me/tokens", access: .signedIn, json: #"{"scopes":["no.such"]}"#, allowed: 400),
        Row(method: .delete, pattern: "/api/v1/me/tokens/{id}", path: "/api/v1/me/tokens/999999", access: .signedIn, allowed: 404),
        Row(method: .get, pattern: "/api/v1/ingest-tokens", path: "/api/v1/ingest-tokens", access: .permission("tokens.manage"), allowed: 200),
        Row(method: .post, pattern: "/api/v1/ingest-tokens", path: "/api/v1/ingest-tokens", access: .permission("tokens.manage"),
            json: #"{"service":"Not A Service!"}"#, allowed: 400),
        Row(method: .delete, pattern: "/api/v1/ingest-tokens/{id}", path: "/api/v1/ingest-tokens/999999", access: .permission("tokens.manage"), allowed: 404),
        Row(method: .post, pattern: "/api/v1/ingest-tokens/{id}/revoke", path: "/api/v1/ingest-tokens/999999/revoke",
            access: .permission("tokens.manage"), allowed: 404),
        Row(method: .get, pattern: "/api/v1/audit/security", path: "/api/v1/audit/security", access: .permission("audit.read"), allowed: 200),
        Row(method: .get, pattern: "/login", path: "/login", access: .open, allowed: 200),
        Row(method: .get, pattern: "/", path: "/", access: .page(nil), allowed: 200),
        Row(method: .get, pattern: "/users", path: "/users", access: .page("users.manage"), allowed: 200),
        Row(method: .get, pattern: "/ingest-tokens", path: "/ingest-tokens", access: .page("tokens.manage"), allowed: 200),
        Row(method: .get, pattern: "/set-password", path: "/set-password?token=not-a-link", access: .open, allowed: 404),
        Row(method: .post, pattern: "/set-password", path: "/set-password", access: .open, json: "{}", allowed: 400),
        Row(method: .get, pattern: "/assets/app.css", path: "/assets/app.css", access: .open, allowed: 200),
        Row(method: .get, pattern: "/assets/app.js", path: "/assets/app.js", access: .open, allowed: 200),
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

    func testTheTableListsExactlyTheRoutesTheHubRegisters() throws {
        let registered = Set(try cli(["routes"]).split(separator: "\n").map(String.init))
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

        let rows = Self.table.filter { !$0.endsSession } + Self.table.filter(\.endsSession)
        var mismatches: [String] = []
        for caller in callers {
            for row in rows {
                let expected = Self.expected(row, caller)
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

    static func expected(_ row: Row, _ caller: Caller) -> Int {
        switch row.access {
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
