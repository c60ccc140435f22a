/// Events per second of one thing over the last minute, for the status page's rates and sparklines:
/// `intake.accepted` / `core`, `intake.rejected` / `gate`, `delivery` / `mongodb`.
public struct RateSeries: Sendable, Equatable {
    public var group: String
    public var key: String
    /// One count per second, oldest first; the last is the current (partial) second.
    public var perSecond: [Int]
    /// Since this process started.
    public var total: Int

    public init(group: String, key: String, perSecond: [Int], total: Int) {
        self.group = group
        self.key = key
        self.perSecond = perSecond
        self.total = total
    }

    /// The mean over the last `seconds` complete seconds.
    public func average(lastSeconds seconds: Int = 10) -> Double {
        let complete = perSecond.dropLast().suffix(seconds)
        return complete.isEmpty ? 0 : Double(complete.reduce(0, +)) / Double(complete.count)
    }
}
