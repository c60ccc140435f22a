import HubKit
import Hummingbird
import NIOCore

/// `GET /api/v1/openapi.yaml`: docs/openapi.yaml, compiled into the binary (SwiftPM `embedInCode`), so
/// the document served is the one the tests checked against the routes.
struct OpenAPIRoutes {
    func register(on routes: HubRoutes) {
        routes.open(.get, "/api/v1/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml)))
        }
    }
}
