import Foundation
import LogModel
import Logging
import Operations

/// Sends approved operations to CORE, exactly once:
/// - a row is claimed (`approved` -> `sending`, compare-and-set) before the call, so one sender acts;
/// - 2xx -> `applied`, 4xx -> `failed`;
/// - timeout, reset or 5xx -> `unknown`, and CORE is asked `GET /idempotency/{key}` before anything
///   is sent again: found -> `applied`/`failed`, 404 -> `approved` and sent again with the same key;
/// - after `attempts` sends, or when CORE cannot say, the row is left to the reconciler.
struct OperationSender: Sendable {
    let store: OperationStore
    let core: CoreClient?
    let catalog: [String: OperationDefinition]
    let attempts: Int
    /// How long a `sending` row stays this sender's (the call's timeout plus a margin).
    let leaseSeconds: Double
    let retryDelay: Duration
    let logger: Logger

    /// Runs the operation as far as it goes now; returns the row as it ended.
    func send(_ id: Int64) async throws -> OperationRow? {
        guard let core else { return try await store.find(id: id) }
        for attempt in 1...attempts {
            let row: OperationRow
            do {
                row = try await store.transition(id, .startSending, audit: "sending", actor: .hub,
                                                 changes: .init(countAttempt: true, leaseSeconds: leaseSeconds))
            } catch is OperationMachine.InvalidTransition {
                // Someone else (a click on another node, the reconciler) has it, or it is done.
                return try await store.find(id: id)
            }
            guard let definition = catalog[row.operation],
                  case .success(let request) = ValidatedRequest.validate(definition, row.parametersJSON.objectValue ?? [:]) else {
                return try await store.transition(id, .coreRefused, audit: "failed", actor: .hub,
                                                  changes: .init(lastError: "the operation '\(row.operation)' is no longer in the catalog or its parameters no longer pass it"))
            }
            let outcome = await core.call(request.coreRequest, actor: row.initiatorID, idempotencyKey: row.idempotencyKey)
            switch outcome {
            case .applied(let status, let body):
                return try await store.transition(id, .coreApplied, audit: "applied", actor: .hub, changes: .init(coreStatus: status, coreAnswer: body))
            case .refused(let status, let code, let message, let body):
                return try await store.transition(id, .coreRefused, audit: "failed", actor: .hub,
                                                  changes: .init(coreStatus: status, coreAnswer: body, lastError: "\(code): \(message)"))
            case .uncertain(let reason):
                logger.warning("CORE's answer is unknown; asking CORE before any re-send",
                               metadata: ["operation.id": "\(id)", "attempt": "\(attempt)", "reason": "\(reason)"])
                try await store.transition(id, .coreUncertain, audit: "unknown", actor: .hub,
                                           changes: .init(lastError: reason, nextCheckSeconds: 0))
                let reconciled = try await reconcile(id, key: row.idempotencyKey, actor: row.initiatorID)
                guard reconciled.state == .approved, attempt < attempts else { return reconciled }
                try await Task.sleep(for: retryDelay * attempt)
            }
        }
        return try await store.find(id: id)
    }

    /// Asks CORE what became of the key and moves an `unknown` or stale `sending` row on. The
    /// background reconciler may ask about the same row at the same time (it is due at once): the
    /// one whose transition comes second finds the row moved on and returns it as it now is.
    func reconcile(_ id: Int64, key: String, actor: Int64) async throws -> OperationRow {
        do {
            return try await reconcileOnce(id, key: key, actor: actor)
        } catch is OperationMachine.InvalidTransition {
            guard let row = try await store.find(id: id) else { throw OperationStore.NotFound() }
            return row
        }
    }

    private func reconcileOnce(_ id: Int64, key: String, actor: Int64) async throws -> OperationRow {
        guard let core else { throw OperationStore.NotFound() }
        switch await core.stored(key: key, actor: actor) {
        case .found(let status, let body):
            let applied = (200..<300).contains(status)
            return try await store.transition(id, applied ? .reconciledApplied : .reconciledRefused, audit: applied ? "applied" : "failed",
                                              actor: .hub, changes: .init(coreStatus: status, coreAnswer: body,
                                                                          lastError: applied ? nil : "CORE refused it (found by its idempotency key)"))
        case .notFound:
            return try await store.transition(id, .reconciledNotApplied, audit: "not_applied", actor: .hub,
                                              changes: .init(lastError: "CORE never applied it; it will be sent again with the same key"))
        case .unanswered(let reason):
            return try await store.transition(id, .reconcileUnanswered, audit: "unknown", actor: .hub,
                                              changes: .init(lastError: reason, nextCheckSeconds: 15))
        }
    }
}
