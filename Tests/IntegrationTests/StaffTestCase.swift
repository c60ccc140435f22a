import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// A browser or API client of the staff area: a session cookie with its CSRF token, or a
/// personal token.
struct StaffClient: Sendable {
    /// `dmp_session=...`, as the `Cookie` header sends it.
    var cookie: String?
    var csrf: String?
    var bearer: String?

    static let anonymous = StaffClient()
}

/// Helpers for the staff-account tests: users and tokens made with the real CLI, sign-in and
/// requests against a real hub (sinks off: these tests are about HTTP and PostgreSQL).
class StaffTestCase: HubTestCase {
    /// Passes the password policy (long, not common, no e-mail in it).
    static let password = "violet-kettle-orbit-92"
    /// Cost 10 (the lowest allowed) keeps each login near 60 ms here.
    static let fastHashing = ["ADMIN_AUTH_BCRYPT_COST": "10"]

    func startStaffHub(extra: [String: String] = [:]) async throws -> HubProcess {
        try await startHub(mongo: false, elasticsearch: false, extra: Self.fastHashing.merging(extra) { $1 })
    }

    /// `admin <arguments>` with this test's database, stdin closed (as in a script, not a terminal).
    @discardableResult
    func cli(_ arguments: [String], environment extra: [String: String] = [:]) throws -> String {
        let env = ["ADMIN_DATABASE_URL": databaseURL].merging(Self.fastHashing) { $1 }.merging(extra) { $1 }
        return try runAdmin(arguments, environment: env)
    }

    @discardableResult
    func createUser(_ email: String, roles: [String], password: String? = StaffTestCase.password) throws -> String {
        var arguments = ["user", "create", "--email", email]
        for role in roles { arguments += ["--role", role] }
        return try cli(arguments, environment: password.map { ["ADMIN_USER_PASSWORD": $0] } ?? [:])
    }

    /// `admin user token create`; returns the secret printed alone on the last line.
    func personalToken(_ email: String, scopes: [String] = []) throws -> String {
        var arguments = ["user", "token", "create", "--email", email]
        for scope in scopes { arguments += ["--scope", scope] }
        let output = try cli(arguments)
        let last = output.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasPrefix("dmp_pat_"), "the token must be alone on the last line: \(output)")
        return last
    }

    // MARK: Sign-in

    /// `POST /api/v1/auth/login` with JSON; the client is nil unless it succeeded.
    func login(_ hub: HubProcess, _ email: String, password: String = StaffTestCase.password,
               cookie: String? = nil) async throws -> (response: HTTPResponse, client: StaffClient?) {
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        if let cookie { headers.append(("Cookie", cookie)) }
        let body = JSONValue.object(["email": .string(email), "password": .string(password)]).serialized()
        let response = try await Self.http.execute(HTTPRequest(method: .post, url: hub.baseURL + "/api/v1/auth/login",
                                                               headers: HTTPHeaders(headers), body: body))
        guard response.status == 200, let pair = Self.cookiePair(response) else { return (response, nil) }
        return (response, StaffClient(cookie: pair, csrf: try json(response)["csrf_token"]?.stringValue))
    }

    func signIn(_ hub: HubProcess, _ email: String) async throws -> StaffClient {
        let (response, client) = try await login(hub, email)
        XCTAssertEqual(response.status, 200, response.bodyText)
        return try XCTUnwrap(client, "login of \(email) gave no cookie")
    }

    /// `name=value` of the response's session cookie.
    static func cookiePair(_ response: HTTPResponse) -> String? {
        response.headers.values(for: "Set-Cookie").first { $0.contains("dmp_session=") }
            .map { String($0.split(separator: ";", maxSplits: 1)[0]) }
    }

    // MARK: Requests

    /// A request as `client` makes it: cookie + `X-CSRF-Token` on state-changing methods (unless
    /// `csrf` is false), or the bearer token. `json` or `form` is the body.
    func send(_ hub: HubProcess, _ method: HTTPMethod, _ path: String, as client: StaffClient, json body: String? = nil,
              form: String? = nil, csrf: Bool = true, headers extra: [(String, String)] = []) async throws -> HTTPResponse {
        var headers = HTTPHeaders()
        if let bearer = client.bearer { headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let cookie = client.cookie { headers.add(name: "Cookie", value: cookie) }
        if csrf, method != .get, let token = client.csrf { headers.add(name: "X-CSRF-Token", value: token) }
        var bytes: [UInt8] = []
        if let body {
            headers.add(name: "Content-Type", value: "application/json")
            bytes = Array(body.utf8)
        } else if let form {
            headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            bytes = Array(form.utf8)
        }
        for (name, value) in extra { headers.add(name: name, value: value) }
        return try await Self.http.execute(HTTPRequest(method: method, url: hub.baseURL + path, headers: headers, body: bytes))
    }

    /// The security audit as an admin's token sees it, newest first.
    func auditEntries(_ hub: HubProcess, token: String, query: String = "limit=1000") async throws -> [JSONValue] {
        let response = try await send(hub, .get, "/api/v1/audit/security?" + query, as: StaffClient(bearer: token))
        XCTAssertEqual(response.status, 200, response.bodyText)
        return try json(response)["entries"]?.arrayValue ?? []
    }
}
