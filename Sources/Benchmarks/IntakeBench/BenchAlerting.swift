import Alerting
import LogModel

/// The routing tree and rules `scripts/bench --with-areas` writes into its admin.yaml
/// (`areas_config` in scripts/lib/bench-areas.sh), built here without the hub's configuration loader.
enum BenchAlerting {
    static func routesAndRules() -> (AlertRoute, [AlertRule]) {
        func matcher(_ text: String) -> RouteMatcher {
            guard case .success(let matcher) = RouteMatcher.parse(text) else { fatalError("bad matcher \(text)") }
            return matcher
        }
        var gate = AlertRoute(path: "route.routes[2]", receiver: "oncall")
        guard case .success(let query) = RouteQuery.parse(#"service:gate AND level:>=warning AND NOT "signed in""#) else {
            fatalError("bad query")
        }
        gate.query = query
        let route = AlertRoute(path: "route", receiver: "", routes: [
            AlertRoute(path: "route.routes[0]", matchers: [matcher("level>=error")], receiver: "errors", continue: true),
            AlertRoute(path: "route.routes[1]", matchers: [matcher("service=core"), matcher("level>=warning")], receiver: "oncall"),
            gate,
            AlertRoute(path: "route.routes[3]", matchers: [matcher("level>=error")], receiver: "oncall"),
        ])
        let rules = [
            AlertRule(name: "core-error-burst", path: "rules[0]", kind: .threshold,
                      matchers: [matcher("service=core"), matcher("level>=error")], count: 500, window: 60_000, receiver: "oncall"),
            AlertRule(name: "communication-heartbeat", path: "rules[1]", kind: .absence,
                      matchers: [matcher("service=communication")], window: 600_000, receiver: "oncall", level: .critical),
        ]
        return (route, rules)
    }
}
