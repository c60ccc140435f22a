import Logging
import Operations

/// The background half of exactly-once, on every node: finishes `unknown` operations, `sending` ones a
/// crashed node left behind (their lease ran out), and `approved` ones nobody sent; and expires
/// approval requests past `approval_ttl`. Rows are claimed with `FOR UPDATE SKIP LOCKED`, so two nodes
/// never act on one row at once; nothing is re-sent before CORE said it never applied the key.
struct OperationReconciler: Sendable {
    let store: OperationStore
    let sender: OperationSender
    let interval: Duration
    /// How long a claimed row is left alone by other nodes.
    let holdSeconds: Double
    let logger: Logger

    func run() async {
        while !Task.isCancelled {
            await runOnce()
            try? await Task.sleep(for: interval)
        }
    }

    func runOnce() async {
        do {
            for id in try await store.dueForExpiry(limit: 100) {
                do {
                    try await store.transition(id, .expire, audit: "expired", actor: .hub,
                                               changes: .init(lastError: "nobody approved it within operations.approval_ttl"))
                } catch is OperationMachine.InvalidTransition {
                    continue // approved or rejected meanwhile
                }
            }
            guard sender.core != nil else { return }
            for row in try await store.claimStuck(limit: 20, holdSeconds: holdSeconds) {
                do {
                    var current = row
                    if row.state == .unknown || row.state == .sending {
                        logger.info("reconciling an operation with CORE", metadata: ["operation.id": "\(row.id)", "state": "\(row.state.rawValue)"])
                        current = try await sender.reconcile(row.id, key: row.idempotencyKey, actor: row.initiatorID)
                    }
                    if current.state == .approved { _ = try await sender.send(row.id) }
                } catch is OperationMachine.InvalidTransition {
                    continue // another node or request moved it first: nothing to do
                }
            }
        } catch {
            logger.warning("operations reconciler pass failed; trying again", metadata: ["error": "\(error)"])
        }
    }
}
