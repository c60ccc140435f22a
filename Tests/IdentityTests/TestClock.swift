import Foundation
import Identity
import Synchronization

/// A clock the test moves by hand, so timeouts of minutes and hours are tested without waiting.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    /// Starts at the current second: whole seconds survive the trip through PostgreSQL's
    /// microsecond timestamps exactly, so "30 minutes later" is exactly that on both sides.
    init(start: Date = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))) {
        current = Mutex(start)
    }

    func now() -> Date { current.withLock { $0 } }

    func advance(seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    func advance(minutes: Double) { advance(seconds: minutes * 60) }

    var identityClock: IdentityClock { IdentityClock { self.now() } }
}
