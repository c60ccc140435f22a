import Pipeline
import Synchronization

/// The number of pending dead letters per store, as last read from PostgreSQL.
final class PendingDeadLetterCounts: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func count(for sink: String) -> Int { counts.withLock { $0[sink] ?? 0 } }

    /// Reads the counts every 10 s until cancelled; a failed read keeps the last ones.
    func refresh(from store: DeadLetterStore) async {
        while !Task.isCancelled {
            if let fresh = try? await store.countPending() { counts.withLock { $0 = fresh } }
            try? await Task.sleep(for: .seconds(10))
        }
    }
}
