import HubKit
import Hummingbird
import NIOCore

/// `GET /metrics` in the Prometheus text format.
struct MetricsRoutes {
    let metrics: HubMetrics

    func register(on routes: HubRoutes) {
        routes.open(.get, "/metrics") { _, _ in
            let text = await self.metrics.render()
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
    }
}
