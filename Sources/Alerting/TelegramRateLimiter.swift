/// Telegram's limits on the hub's side (Bot FAQ, protocols.md 2.4): per chat one message a second,
/// and 20 a minute for groups (negative chat ids); 30 a second across all chats; and a chat that
/// answered 429 gets nothing until its `retry_after` has passed, exactly. Edits count as messages.
public struct TelegramRateLimiter: Sendable {
    public let globalPerSecond: Double
    var global: TokenBucket
    var perSecond: [Int64: TokenBucket] = [:]
    /// Groups: the times of the last sends, so no 60-second window ever holds more than `groupPerMinute`.
    var recentSends: [Int64: [Int64]] = [:]
    public let groupPerMinute = 20
    var blockedUntil: [Int64: Int64] = [:]

    public init(globalPerSecond: Double = 30, now: Int64) {
        self.globalPerSecond = globalPerSecond
        global = TokenBucket(capacity: globalPerSecond, perSecond: globalPerSecond, now: now)
    }

    /// Milliseconds to wait before a request to `chat` may go; 0 takes the tokens and means "go now".
    public mutating func acquire(chat: Int64, now: Int64) -> Int64 {
        var wait: Int64 = 0
        if let until = blockedUntil[chat], until > now { wait = until - now }
        var second = perSecond[chat] ?? TokenBucket(capacity: 1, perSecond: 1, now: now)
        wait = max(wait, second.wait(now: now))
        var window = recentSends[chat] ?? []
        if chat < 0 {
            window.removeAll { now - $0 >= 60_000 }
            if window.count >= groupPerMinute, let oldest = window.first { wait = max(wait, oldest + 60_000 - now) }
        }
        wait = max(wait, global.wait(now: now))
        if wait == 0 {
            second.take(now: now)
            global.take(now: now)
            if chat < 0 { window.append(now) }
        }
        perSecond[chat] = second
        if chat < 0 { recentSends[chat] = window }
        return wait
    }

    /// A 429 with `parameters.retry_after`: nothing more to that chat for exactly that long.
    public mutating func blocked(chat: Int64, seconds: Int64, now: Int64) {
        blockedUntil[chat] = max(blockedUntil[chat] ?? 0, now + seconds * 1000)
    }
}
