/// How hard login throttling bites. Defaults follow OWASP's authentication advice: a few free
/// mistakes, then exponentially growing delays, and a lock-out an admin lifts.
public struct LoginThrottlePolicy: Sendable, Equatable {
    /// Failed logins for one account before delays start (default 5).
    public var freeAccountFailures: Int
    /// Failed logins from one client address before delays start (default 20: an office behind one
    /// NAT address shares this count).
    public var freeAddressFailures: Int
    /// The delay after the first failure past the free ones; it doubles with each further failure
    /// (default 1 s: 1, 2, 4, 8 ...).
    public var firstDelay: Duration
    /// The longest delay (default 15 minutes).
    public var maximumDelay: Duration
    /// Failures in a row that lock the account until an admin unlocks it (default 20; 0 = never).
    public var lockoutAfter: Int
    /// An account's count starts again after this long without a failure (default 24 hours).
    public var accountMemory: Duration
    /// An address's count starts again after this long without a failure (default 1 hour).
    public var addressMemory: Duration

    public init(freeAccountFailures: Int = 5, freeAddressFailures: Int = 20, firstDelay: Duration = .seconds(1),
                maximumDelay: Duration = .seconds(900), lockoutAfter: Int = 20,
                accountMemory: Duration = .seconds(24 * 3600), addressMemory: Duration = .seconds(3600)) {
        self.freeAccountFailures = freeAccountFailures
        self.freeAddressFailures = freeAddressFailures
        self.firstDelay = firstDelay
        self.maximumDelay = maximumDelay
        self.lockoutAfter = lockoutAfter
        self.accountMemory = accountMemory
        self.addressMemory = addressMemory
    }

    /// The wait after `failures` failures when `free` are allowed without one; nil for none.
    func delay(afterFailures failures: Int, free: Int) -> Double? {
        guard failures >= free else { return nil }
        let doublings = min(failures - free, 40)
        return min(firstDelay.seconds * Double(1 << doublings), maximumDelay.seconds)
    }
}
