import Identity
import HubKit
import Hummingbird

/// `/status` (`config.read`): the page; `?fragment=1` is its live part alone, which
/// `/assets/status.js` fetches every few seconds and swaps in (the page works without it).
struct StatusPageRoutes {
    let status: StatusReport

    func register(on routes: HubRoutes) {
        routes.page("/status", .configRead) { request, call in
            let report = try await status.full()
            let live = StatusPage.live(report)
            if request.uri.queryParameters["fragment"] == "1" {
                return HTMLPage.response(.ok, live)
            }
            return HTMLPage.response(.ok, StatusPage.render(call.principal, live: live))
        }
        routes.open(.get, "/assets/status.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: .init(string: StatusPage.javascript)))
        }
    }
}
