import Foundation

/// Where the identity area reads the time. Expiry decisions (sessions, tokens, throttling, reset
/// links) compare against this clock, and the rows they write carry its time, so a test can move
/// time forward instead of sleeping through a 30-minute idle timeout.
public struct IdentityClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    /// The system's wall clock.
    public static let system = IdentityClock { Date() }

    public func now() -> Date { read() }
}
