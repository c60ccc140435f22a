import ClientHTTP
import Foundation
import TestSupport
import XCTest

/// docs/openapi.yaml is valid OpenAPI 3.1 (openapi-spec-validator), describes exactly the routes the
/// hub registers (`admin routes`), and is what `GET /api/v1/openapi.yaml` serves.
final class OpenAPIDocumentTests: HubTestCase {
    private var documentPath: String { packageRoot() + "/docs/openapi.yaml" }

    func testTheDocumentIsValidAndListsExactlyTheRegisteredRoutes() throws {
        let python = packageRoot() + "/.venv/bin/python"
        guard (try? BrowserTest.run(python, ["-c", "import openapi_spec_validator"]).status) == 0 else {
            throw StandIns.missing("openapi-spec-validator in the project's virtualenv (scripts/install-deps)")
        }
        let listed = try BrowserTest.run(python, [packageRoot() + "/scripts/clients/openapi_routes.py", documentPath])
        XCTAssertEqual(listed.status, 0, listed.text)
        let documented = Set(listed.text.split(separator: "\n").map(String.init))
        let registered = Set(try runAdmin(["routes"], environment: ["ADMIN_DATABASE_URL": databaseURL])
            .split(separator: "\n").map { $0.split(separator: " ").prefix(2).joined(separator: " ") })
        XCTAssertFalse(registered.isEmpty)
        XCTAssertEqual(registered.subtracting(documented).sorted(), [], "routes the hub registers that docs/openapi.yaml does not describe")
        XCTAssertEqual(documented.subtracting(registered).sorted(), [], "routes docs/openapi.yaml describes that the hub does not register")
    }

    func testTheHubServesTheDocument() async throws {
        let hub = try await startHub(mongo: false, elasticsearch: false)
        let response = try await get(hub.baseURL + "/api/v1/openapi.yaml")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["Content-Type"], "application/yaml; charset=utf-8")
        XCTAssertEqual(response.body, Array(try Data(contentsOf: URL(fileURLWithPath: documentPath))))
    }
}
