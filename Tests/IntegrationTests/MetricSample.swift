import Foundation

/// One sample read from Prometheus' text exposition (`/metrics`), whatever order the labels are
/// printed in (swift-prometheus keeps the order they were given in, which tests should not depend on).
enum MetricSample {
    /// The value of `name{labels}` (labels compared as a set; other labels on the line are not allowed), or nil.
    static func value(in exposition: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(name) && !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let (seriesName, seriesLabels) = parse(series)
            if seriesName == name, seriesLabels == labels { return Double(line[line.index(after: space)...]) }
        }
        return nil
    }

    /// `name{a="x",b="y"}` → ("name", ["a": "x", "b": "y"]); label values here never hold `"` or `,`.
    private static func parse(_ series: Substring) -> (String, [String: String]) {
        guard let brace = series.firstIndex(of: "{") else { return (String(series), [:]) }
        var labels: [String: String] = [:]
        for pair in series[series.index(after: brace)...].dropLast().split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
        }
        return (String(series[..<brace]), labels)
    }
}
