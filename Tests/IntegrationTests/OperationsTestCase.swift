import ClientHTTP
import ClientPostgres
import Foundation
import LogModel
import TestSupport
import XCTest

/// Base for the operations tests: a CORE double, a hub pointed at it (short CORE timeout, a fast
/// reconciler), staff with each role and their personal tokens.
class OperationsTestCase: StaffTestCase {
    var core: CoreDouble!

    override func setUp() async throws {
        try await super.setUp()
        core = try await CoreDouble.start()
        core.addShop("shop-1", name: "Flowers", balance: "1000.00")
    }

    override func tearDown() async throws {
        await core?.stop()
        try await super.tearDown()
    }

    func startOperationsHub(extra: [String: String] = [:]) async throws -> HubProcess {
        try await startStaffHub(extra: [
            "ADMIN_CORE_URL": core.baseURL, "ADMIN_CORE_TOKEN": core.token, "ADMIN_CORE_TIMEOUT_MS": "2000",
            "ADMIN_OPERATIONS_RECONCILE_INTERVAL_MS": "200",
        ].merging(extra) { $1 })
    }

    /// A user with `role` and a personal token (no CSRF needed).
    func staff(_ email: String, role: String) throws -> StaffClient {
        try createUser(email, roles: [role])
        return StaffClient(bearer: try personalToken(email))
    }

    func submit(_ hub: HubProcess, as client: StaffClient, _ operation: String, _ params: JSONValue,
                requestID: String = UUID().uuidString) async throws -> HTTPResponse {
        let body: JSONValue = ["operation": .string(operation), "params": params, "request_id": .string(requestID)]
        return try await send(hub, .post, "/api/v1/operations", as: client, json: body.jsonString)
    }

    /// The same as `submit`, callable from a child task (no `self`).
    static func submitDetached(_ baseURL: String, bearer: String, _ operation: String, _ params: JSONValue,
                               requestID: String) async throws -> HTTPResponse {
        let body: JSONValue = ["operation": .string(operation), "params": params, "request_id": .string(requestID)]
        return try await http.execute(HTTPRequest(method: .post, url: baseURL + "/api/v1/operations",
                                                  headers: ["Authorization": "Bearer \(bearer)", "Content-Type": "application/json"],
                                                  body: body.serialized(), timeout: .seconds(30)))
    }

    func topUp(_ amount: String, shop: String = "shop-1") -> JSONValue { Self.topUp(amount, shop: shop) }

    static func topUp(_ amount: String, shop: String = "shop-1") -> JSONValue {
        ["shop_id": .string(shop), "amount": .string(amount), "currency": "RUB", "reason": "goodwill credit"]
    }

    func operation(_ response: HTTPResponse) throws -> JSONValue {
        try XCTUnwrap(try json(response)["operation"], response.bodyText)
    }

    func state(_ hub: HubProcess, _ id: Int64, as client: StaffClient) async throws -> String? {
        let response = try await send(hub, .get, "/api/v1/operations/\(id)", as: client)
        return try json(response)["operation"]?["state"]?.stringValue
    }

    /// `admin audit verify`: its exit status and output.
    func verifyAudit() throws -> (status: Int32, output: String) {
        do {
            return (0, try cli(["audit", "verify"]))
        } catch HubProcessError.commandFailed(_, let status, let output) {
            return (status, output)
        }
    }
}
