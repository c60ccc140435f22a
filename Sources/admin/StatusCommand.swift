import AdminServer
import HubKit
import ArgumentParser
import Foundation
import LogModel

/// `admin status`: what the status page shows, in the terminal, for every hub node that shares the
/// database (each writes its snapshot to PostgreSQL every 5 s; no running hub is needed to read it).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Every hub node's state: intake rates, spool, stores, lag, dead letters (from PostgreSQL).")

    @OptionGroup var options: GlobalOptions
    @Flag(name: .long, help: "Print the nodes' snapshots as JSON.") var json = false

    func run() async throws {
        let database = try openDatabase(try loadConfiguration(options))
        let nodes = try await NodeRegistry(database: database).nodes()
        if json {
            print(JSONValue.array(nodes.map { $0.snapshot }).prettyText())
            return
        }
        guard !nodes.isEmpty else {
            print("no hub node has reported to this database in the last day")
            return
        }
        for node in nodes { print(StatusText.render(node)) }
    }
}

/// One node's snapshot as plain text.
enum StatusText {
    static func render(_ node: NodeRegistry.Node) -> String {
        let snapshot = node.snapshot
        let state = node.isStale ? "STALE (last seen \(Int(Date().timeIntervalSince(node.lastSeen))) s ago)" : (snapshot["status"]?.stringValue ?? "?")
        var lines = ["node \(node.id.prefix(8)) on \(node.hostname), version \(node.version), started \(node.startedAt.formatted(.iso8601)): \(state)"]
        let spool = snapshot["spool"]
        lines.append("  spool     \(spool?["state"]?.stringValue ?? "?"), \(HumanUnits.bytes(spool?["bytes"]?.int64Value ?? 0)) of \(HumanUnits.bytes(spool?["max_bytes"]?.int64Value ?? 0))")
        lines.append("  database  \(snapshot["database"]?["state"]?.stringValue ?? "?")")
        let rates = snapshot["rates"]?.arrayValue ?? []
        func rate(_ group: String, _ key: String) -> String {
            let value = rates.first { $0["group"]?.stringValue == group && $0["key"]?.stringValue == key }?["per_second_10s"]
            if case .double(let d)? = value { return String(format: "%.1f/s", d) }
            return "\(value?.int64Value ?? 0)/s"
        }
        if case .object(let sinks)? = snapshot["sinks"] {
            for sink in sinks {
                let s = sink.value
                var line = "  store     \(sink.key.padding(toLength: 14, withPad: " ", startingAt: 0)) \(s["state"]?.stringValue ?? "?"), "
                line += "lag \(s["lag_events"]?.int64Value ?? 0) events / \(HumanUnits.duration(s["lag_seconds"]?.int64Value ?? 0)), "
                line += "delivering \(rate("delivery", sink.key)), dead letters \(s["dead_letters"]?.int64Value ?? 0)"
                if let detail = s["detail"]?.stringValue { line += "\n            last error: \(detail)" }
                lines.append(line)
            }
        }
        let services = Set(rates.filter { ($0["group"]?.stringValue ?? "").hasPrefix("intake.") }.compactMap { $0["key"]?.stringValue }).sorted()
        for service in services {
            lines.append("  intake    \(service.padding(toLength: 14, withPad: " ", startingAt: 0)) accepted \(rate("intake.accepted", service)), rejected \(rate("intake.rejected", service))")
        }
        return lines.joined(separator: "\n")
    }
}
