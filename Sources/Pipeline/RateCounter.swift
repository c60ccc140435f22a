import LogModel
import Synchronization

/// Counts per key (a service, a sink) in one-second buckets over the last `window` seconds, for the
/// status page's rates and sparklines. Memory is bounded: `window` buckets per key, at most
/// `maxKeys` keys (past it, new keys are counted under `other`).
public final class RateCounter: Sendable {
    private struct Series {
        var buckets: [Int]
        /// The second the last bucket stands for.
        var lastSecond: Int64
        var total: Int
    }

    public let window: Int
    private let maxKeys: Int
    private let series = Mutex<[String: Series]>([:])

    public init(window: Int = 60, maxKeys: Int = 200) {
        self.window = max(2, window)
        self.maxKeys = maxKeys
    }

    /// Adds `count` to `key` in the bucket of `second` (Unix seconds).
    public func add(_ count: Int, to key: String, at second: Int64 = WallSeconds.now()) {
        guard count > 0 else { return }
        series.withLock { all in
            let name = all[key] != nil || all.count < maxKeys ? key : "other"
            var entry = all[name] ?? Series(buckets: Array(repeating: 0, count: window), lastSecond: second, total: 0)
            Self.advance(&entry, to: second, window: window)
            entry.buckets[window - 1 - Int(max(0, entry.lastSecond - second))] += count
            entry.total += count
            all[name] = entry
        }
    }

    /// Per-second counts of every key, oldest first, ending with the bucket of `second`; and the
    /// total since the process started.
    public func snapshot(at second: Int64 = WallSeconds.now()) -> [(key: String, perSecond: [Int], total: Int)] {
        series.withLock { all in
            all.keys.sorted().map { key in
                var entry = all[key]!
                Self.advance(&entry, to: second, window: window)
                all[key] = entry
                return (key, entry.buckets, entry.total)
            }
        }
    }

    /// Moves the window so that its last bucket is `second`; a clock that stepped back changes nothing.
    private static func advance(_ entry: inout Series, to second: Int64, window: Int) {
        let shift = second - entry.lastSecond
        guard shift > 0 else { return }
        if shift >= Int64(window) {
            entry.buckets = Array(repeating: 0, count: window)
        } else {
            entry.buckets.removeFirst(Int(shift))
            entry.buckets += Array(repeating: 0, count: Int(shift))
        }
        entry.lastSecond = second
    }
}

/// Whole seconds of the wall clock.
public enum WallSeconds {
    public static func now() -> Int64 { WallClock.nowMicros() / 1_000_000 }
}
