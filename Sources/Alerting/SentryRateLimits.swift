/// Sentry's rate limits per DSN (protocols.md 1.6): `X-Sentry-Rate-Limits` on every answer, else
/// `Retry-After` on a 429 (all categories), else 60 s on a bare 429; per category the latest end
/// wins; an empty category list means all. Times in milliseconds.
public struct SentryRateLimits: Sendable, Equatable {
    static let known: Set<String> = ["default", "error", "transaction", "security", "attachment", "session", "span",
                                     "log_item", "monitor", "profile", "replay", "feedback", "internal"]
    /// category (or "" for all) → end of the limit.
    public private(set) var until: [String: Int64] = [:]

    public init() {}

    /// Applies one answer's headers.
    public mutating func update(status: Int, rateLimitsHeader: String?, retryAfterHeader: String?, now: Int64) {
        if let header = rateLimitsHeader, !header.isEmpty {
            for quota in header.split(separator: ",") {
                let fields = quota.trimmingCharactersInSpacesSub().split(separator: ":", omittingEmptySubsequences: false)
                guard let seconds = fields.first.flatMap({ Double($0) }), seconds >= 0 else { continue }
                let end = now + Int64((seconds * 1000).rounded(.up))
                let categories = fields.count > 1 ? fields[1].split(separator: ";").map(String.init) : []
                if categories.isEmpty {
                    extend("", to: end)
                } else {
                    for category in categories where Self.known.contains(category) { extend(category, to: end) }
                }
            }
        } else if status == 429 {
            let seconds = retryAfterHeader.flatMap { Double($0.trimmingCharactersInSpaces()) } ?? 60
            extend("", to: now + Int64((seconds * 1000).rounded(.up)))
        }
    }

    /// Limits `category` ("" = all) until `end`, unless a later end is already known.
    public mutating func extend(_ category: String, to end: Int64) { until[category] = max(until[category] ?? 0, end) }

    /// When `category` may be sent again (nil = now).
    public func limitedUntil(_ category: String, now: Int64) -> Int64? {
        let end = max(until[category] ?? 0, until[""] ?? 0)
        return end > now ? end : nil
    }
}

extension Substring {
    func trimmingCharactersInSpacesSub() -> Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
