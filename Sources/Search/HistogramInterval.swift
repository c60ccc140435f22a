import Foundation

/// The histogram's bucket width, picked from a fixed ladder (issue 9) so that the range splits into
/// about the requested number of buckets; fixed widths align to the epoch on both backends.
public struct HistogramInterval: Sendable, Equatable {
    public let name: String
    public let seconds: Int64

    public static let ladder: [HistogramInterval] = [
        .init(name: "1s", seconds: 1), .init(name: "5s", seconds: 5), .init(name: "10s", seconds: 10),
        .init(name: "30s", seconds: 30), .init(name: "1m", seconds: 60), .init(name: "5m", seconds: 300),
        .init(name: "10m", seconds: 600), .init(name: "30m", seconds: 1800), .init(name: "1h", seconds: 3600),
        .init(name: "3h", seconds: 10_800), .init(name: "12h", seconds: 43_200), .init(name: "1d", seconds: 86_400),
    ]

    /// The rung whose bucket count is closest (by ratio) to `buckets`; never more than
    /// `maximumBuckets` buckets unless even 1d gives more.
    public static func choose(spanMicros: Int64, buckets: Int, maximumBuckets: Int = 2000) -> HistogramInterval {
        let span = Double(max(spanMicros, 1_000_000)) / 1_000_000
        let wanted = Double(max(buckets, 1))
        var best = ladder.last!
        var bestDistance = Double.infinity
        for rung in ladder {
            let count = span / Double(rung.seconds)
            if count > Double(maximumBuckets) { continue }
            let distance = abs(log(count / wanted))
            if distance < bestDistance {
                best = rung
                bestDistance = distance
            }
        }
        return best
    }

    /// Bucket starts (microseconds) covering `[from, to]`, aligned to the epoch.
    public func bucketStarts(fromMicros: Int64, toMicros: Int64) -> [Int64] {
        let width = seconds * 1_000_000
        var start = DailyIndices.floorDiv(fromMicros, width) * width
        var starts: [Int64] = []
        while start <= toMicros {
            starts.append(start)
            start += width
        }
        return starts
    }
}
