/// How long a staff session lives (OWASP's session management advice for sensitive back offices).
public struct SessionConfiguration: Sendable, Equatable {
    /// A session not used for this long ends (default 30 minutes).
    public var idleTimeout: Duration
    /// A session ends this long after sign-in however busy it is (default 12 hours).
    public var absoluteTimeout: Duration
    /// `last_seen_at` is written at most this often per session (default 1 minute), to spare a write
    /// per request; the idle timeout may therefore end a session up to this much early, never late.
    public var touchInterval: Duration

    public init(idleTimeout: Duration = .seconds(30 * 60), absoluteTimeout: Duration = .seconds(12 * 3600),
                touchInterval: Duration = .seconds(60)) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.touchInterval = touchInterval
    }
}
