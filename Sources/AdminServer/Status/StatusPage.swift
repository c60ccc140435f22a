import Foundation
import HubKit
import Identity
import LogModel

/// The status page: is intake flowing, where is it stuck. Rendered on the server from the same JSON
/// as `GET /api/v1/status`; its live part is re-fetched every few seconds by `/assets/status.js`.
enum StatusPage {
    static func render(_ principal: StaffPrincipal, live: String) -> String {
        HTMLPage.render(title: "Status", principal: principal, body: live, scripts: ["/assets/status.js"])
    }

    /// The part that refreshes.
    static func live(_ report: JSONValue) -> String {
        let e = HTMLPage.escape
        let node = report["node"]
        let status = report["status"]?.stringValue ?? "unknown"
        var html = #"<section id="status-live" data-refresh="3">"#
        html += """
        <p class="summary"><span class="state state-\(e(status))">\(e(status == "ready" ? "taking logs" : "not taking logs"))</span> \
        node <code>\(e(String((node?["id"]?.stringValue ?? "").prefix(8))))</code> on \(e(node?["hostname"]?.stringValue ?? "")), \
        version \(e(node?["version"]?.stringValue ?? "")), up \(duration(node?["uptime_seconds"]?.int64Value ?? 0)); \
        updated <time>\(e(clock(Date())))</time> UTC <span id="status-stale" class="warn" hidden>(not refreshing: the hub does not answer)</span></p>
        """
        html += intake(report)
        html += spool(report["spool"])
        html += stores(report)
        html += otherParts(report)
        html += nodes(report["nodes"]?.arrayValue ?? [])
        return html + "</section>"
    }

    private static func intake(_ report: JSONValue) -> String {
        let rates = report["rates"]?.arrayValue ?? []
        let services = Set(rates.filter { ($0["group"]?.stringValue ?? "").hasPrefix("intake.") }.compactMap { $0["key"]?.stringValue }).sorted()
        var html = "<h2>Intake (events per second, last minute)</h2>"
        guard !services.isEmpty else { return html + "<p>Nothing received since this node started.</p>" }
        html += "<table class=\"status\"><thead><tr><th>Service</th><th>Accepted/s</th><th></th><th>Rejected/s</th><th></th><th>Accepted in total</th></tr></thead><tbody>"
        for service in services {
            let accepted = rates.first { $0["group"] == "intake.accepted" && $0["key"]?.stringValue == service }
            let rejected = rates.first { $0["group"] == "intake.rejected" && $0["key"]?.stringValue == service }
            html += "<tr><td>\(HTMLPage.escape(service))</td><td>\(rate(accepted))</td><td>\(sparkline(accepted))</td>"
            html += "<td>\(rate(rejected))</td><td>\(sparkline(rejected, colour: "#a30000"))</td><td>\(accepted?["total"]?.int64Value ?? 0)</td></tr>"
        }
        return html + "</tbody></table>"
    }

    private static func spool(_ spool: JSONValue?) -> String {
        let bytes = spool?["bytes"]?.int64Value ?? 0, limit = max(1, spool?["max_bytes"]?.int64Value ?? 1)
        let percent = Double(bytes) * 100 / Double(limit)
        return """
        <h2>Spool</h2>
        <p><meter min="0" max="\(limit)" low="\(limit / 2)" high="\(limit * 4 / 5)" optimum="0" value="\(bytes)"></meter> \
        \(bytesText(bytes)) of \(bytesText(limit)) (\(String(format: "%.1f", percent)) %), \(spool?["segments"]?.int64Value ?? 0) segments; \
        state <span class="state state-\(HTMLPage.escape(spool?["state"]?.stringValue ?? ""))">\(HTMLPage.escape(spool?["state"]?.stringValue ?? ""))</span></p>
        """
    }

    private static func stores(_ report: JSONValue) -> String {
        guard case .object(let sinks)? = report["sinks"], !sinks.keys.isEmpty else { return "<h2>Stores</h2><p>No store is configured.</p>" }
        let rates = report["rates"]?.arrayValue ?? []
        var html = "<h2>Stores</h2><table class=\"status\"><thead><tr><th>Store</th><th>State</th><th>Lag</th><th>Delivered/s</th><th></th><th>Dead letters</th><th>Last success</th><th>Last error</th></tr></thead><tbody>"
        for member in sinks {
            let sink = member.value, name = member.key
            let delivered = rates.first { $0["group"] == "delivery" && $0["key"]?.stringValue == name }
            let state = sink["state"]?.stringValue ?? ""
            let lag = "\(sink["lag_events"]?.int64Value ?? 0) events, \(duration(sink["lag_seconds"]?.int64Value ?? 0)), \(bytesText(sink["lag_bytes"]?.int64Value ?? 0))"
            let deadLetters = sink["dead_letters"]?.int64Value ?? 0
            let letters = deadLetters > 0 ? #"<a href="/dead-letters?sink=\#(HTMLPage.escape(name))">\#(deadLetters)</a>"# : "0"
            html += """
            <tr><td>\(HTMLPage.escape(name))</td><td><span class="state state-\(HTMLPage.escape(state))">\(HTMLPage.escape(state))</span></td>\
            <td>\(lag)</td><td>\(rate(delivered))</td><td>\(sparkline(delivered))</td><td>\(letters)</td>\
            <td>\(HTMLPage.escape(sink["last_success"]?.stringValue.map(shortTime) ?? "—"))</td>\
            <td><small>\(HTMLPage.escape(sink["detail"]?.stringValue ?? ""))</small></td></tr>
            """
        }
        return html + "</tbody></table>"
    }

    /// PostgreSQL and whatever else the areas report (notifiers, search backends).
    private static func otherParts(_ report: JSONValue) -> String {
        guard case .object(let body) = report else { return "" }
        var rows = ""
        for member in body where !["status", "spool", "sinks", "node", "rates", "nodes"].contains(member.key) {
            guard case .object(let object) = member.value else { continue }
            let entries: [(String, JSONValue)] = object["state"] != nil ? [(member.key, member.value)]
                : object.map { ("\(member.key).\($0.key)", $0.value) }
            for (name, part) in entries {
                let state = part["state"]?.stringValue ?? ""
                rows += "<tr><td>\(HTMLPage.escape(name))</td><td><span class=\"state state-\(HTMLPage.escape(state))\">\(HTMLPage.escape(state))</span></td>"
                rows += "<td><small>\(HTMLPage.escape(part["detail"]?.stringValue ?? ""))</small></td></tr>"
            }
        }
        return rows.isEmpty ? "" : "<h2>Other parts</h2><table class=\"status\"><thead><tr><th>Part</th><th>State</th><th>Detail</th></tr></thead><tbody>\(rows)</tbody></table>"
    }

    private static func nodes(_ nodes: [JSONValue]) -> String {
        var html = "<h2>Hub nodes sharing this database</h2>"
        guard !nodes.isEmpty else { return html + "<p>None has reported yet (each node writes every 5 s).</p>" }
        html += "<table class=\"status\"><thead><tr><th>Host</th><th>Node</th><th>Version</th><th>Started</th><th>Last seen</th><th>State</th></tr></thead><tbody>"
        for node in nodes {
            let stale = node["stale"] == .bool(true)
            let state = stale ? "stale" : (node["status"]?.stringValue ?? "")
            let this = node["this_node"] == .bool(true) ? " (this one)" : ""
            html += """
            <tr><td>\(HTMLPage.escape(node["hostname"]?.stringValue ?? ""))</td><td><code>\(HTMLPage.escape(String((node["id"]?.stringValue ?? "").prefix(8))))</code>\(this)</td>\
            <td>\(HTMLPage.escape(node["version"]?.stringValue ?? ""))</td><td>\(HTMLPage.escape(node["started_at"]?.stringValue.map(shortTime) ?? ""))</td>\
            <td>\(HTMLPage.escape(node["last_seen"]?.stringValue.map(shortTime) ?? ""))</td>\
            <td><span class="state state-\(HTMLPage.escape(state))">\(HTMLPage.escape(state))</span></td></tr>
            """
        }
        return html + "</tbody></table>"
    }

    /// A 120×24 line of the last minute's counts, scaled to its own maximum.
    static func sparkline(_ series: JSONValue?, colour: String = "#2f5bd3") -> String {
        let values: [Double] = (series?["per_second"]?.arrayValue ?? []).map { Double($0.int64Value ?? 0) }
        guard values.count > 1 else { return "" }
        let top: Double = max(1, values.max() ?? 1)
        let step: Double = 120.0 / Double(values.count - 1)
        var points: [String] = []
        for (index, value) in values.enumerated() {
            let x: Double = Double(index) * step
            let y: Double = 23 - value / top * 22
            points.append(String(format: "%.1f,%.1f", x, y))
        }
        let peak = Int(top)
        return #"<svg class="spark" viewBox="0 0 120 24" width="120" height="24" role="img" aria-label="last minute, peak \#(peak)/s"><polyline fill="none" stroke="\#(colour)" stroke-width="1.5" points="\#(points.joined(separator: " "))"/></svg>"#
    }

    private static func rate(_ series: JSONValue?) -> String {
        guard let value = series?["per_second_10s"] else { return "0" }
        switch value {
        case .double(let rate): return String(format: rate < 10 ? "%.1f" : "%.0f", rate)
        case .int(let rate): return String(rate)
        default: return "0"
        }
    }

    static func duration(_ seconds: Int64) -> String { HumanUnits.duration(seconds) }

    static func bytesText(_ bytes: Int64) -> String { HumanUnits.bytes(bytes) }

    private static func shortTime(_ iso: String) -> String {
        String(iso.replacingOccurrences(of: "T", with: " ").prefix(19))
    }

    private static func clock(_ date: Date) -> String {
        String(Timestamp.format(micros: Int64(date.timeIntervalSince1970 * 1_000_000)).dropFirst(11).prefix(8))
    }

    /// Swaps in a fresh `#status-live` every few seconds; marks the page when the hub stops answering.
    static let javascript = """
    (function () {
      var live = document.getElementById('status-live');
      if (!live || !window.fetch) { return; }
      var seconds = Number(live.getAttribute('data-refresh')) || 3;
      function tick() {
        fetch('/status?fragment=1', { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
          .then(function (response) { if (!response.ok) { throw new Error('HTTP ' + response.status); } return response.text(); })
          .then(function (html) {
            var holder = document.createElement('div');
            holder.innerHTML = html;
            var next = holder.querySelector('#status-live');
            if (next) { live.replaceWith(next); live = next; }
          })
          .catch(function () {
            var stale = document.getElementById('status-stale');
            if (stale) { stale.hidden = false; }
          })
          .then(function () { setTimeout(tick, seconds * 1000); });
      }
      setTimeout(tick, seconds * 1000);
    })();
    """
}
