import Dispatch
import Foundation
import Synchronization

/// Runs bcrypt on threads of its own. A bcrypt at cost 12 holds a core for ~0.25 s: on Swift's
/// cooperative pool (one thread per core) two logins at once would stall every other task, so each
/// hash runs on one of a few serial queues instead. The queue count bounds how many cores logins
/// can take; a burst waits its turn rather than starving the intake.
final class BcryptWorkers: Sendable {
    private let queues: [DispatchQueue]
    private let next = Atomic<Int>(0)

    init(threads: Int) {
        queues = (0..<max(1, threads)).map { DispatchQueue(label: "datamp.identity.bcrypt.\($0)", qos: .userInitiated) }
    }

    /// Shared by every hasher of the process: at most half the cores, at least one.
    static let shared = BcryptWorkers(threads: max(1, ProcessInfo.processInfo.activeProcessorCount / 2))

    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        let queue = queues[Int(UInt(bitPattern: index) % UInt(queues.count))]
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
