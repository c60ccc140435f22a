/// Where one operation request is. Stored in PostgreSQL as the raw value.
///
/// ```
/// pending_approval --approve--> approved --send--> sending --2xx--> applied
///        |  \--reject--> rejected                     |  \--4xx--> failed
///        \--expire--> expired                          \--timeout/reset/5xx--> unknown
/// unknown|sending --ask CORE by idempotency key--> applied | failed | approved (CORE never applied it: send again, same key)
/// ```
public enum OperationState: String, Sendable, CaseIterable, Equatable {
    case pendingApproval = "pending_approval"
    case approved
    case sending
    case applied
    case failed
    case unknown
    case rejected
    case expired

    /// Nothing more happens to it.
    public var isFinal: Bool { [.applied, .failed, .rejected, .expired].contains(self) }
}

/// What happened to an operation.
public enum OperationEvent: Sendable, Equatable {
    /// Stored; `needsApproval` from the catalog's policy.
    case submitted(needsApproval: Bool)
    case approve
    case reject
    case expire
    /// A sender claimed it and is about to call CORE.
    case startSending
    /// CORE answered 2xx.
    case coreApplied
    /// CORE answered 4xx: it refused and applied nothing.
    case coreRefused
    /// Timeout, reset connection or 5xx: CORE may or may not have applied it.
    case coreUncertain
    /// `GET /internal/v1/idempotency/{key}` found a 2xx answer.
    case reconciledApplied
    /// It found a stored 4xx answer.
    case reconciledRefused
    /// 404: CORE never applied it; safe to send again with the same key.
    case reconciledNotApplied
    /// The look-up itself failed; ask again later.
    case reconcileUnanswered
}

/// What the caller must do after a transition.
public enum OperationAction: Sendable, Equatable {
    /// Call CORE (the sender).
    case send
    /// Ask CORE whether it applied the key (the reconciler), before anything is sent again.
    case reconcile
    /// Tell the initiator the outcome (the page polls; nothing to push).
    case finished
}

/// The decisions, without I/O: the store applies the new state only if the row is still in the old
/// one (compare-and-set), so two nodes acting on one row cannot both win.
public enum OperationMachine {
    public struct Transition: Sendable, Equatable {
        public let state: OperationState
        public let actions: [OperationAction]

        public init(state: OperationState, actions: [OperationAction]) {
            self.state = state
            self.actions = actions
        }
    }

    public struct InvalidTransition: Error, Sendable, Equatable, CustomStringConvertible {
        public let state: OperationState?
        public let event: OperationEvent
        public var description: String { "cannot \(event) an operation that is \(state?.rawValue ?? "new")" }

        public init(state: OperationState?, event: OperationEvent) {
            self.state = state
            self.event = event
        }
    }

    /// `state` nil = not stored yet.
    public static func next(_ state: OperationState?, on event: OperationEvent) -> Result<Transition, InvalidTransition> {
        func to(_ s: OperationState, _ actions: [OperationAction] = []) -> Result<Transition, InvalidTransition> {
            .success(Transition(state: s, actions: actions))
        }
        switch (state, event) {
        case (nil, .submitted(let needsApproval)): return needsApproval ? to(.pendingApproval) : to(.approved, [.send])
        case (.pendingApproval?, .approve): return to(.approved, [.send])
        case (.pendingApproval?, .reject): return to(.rejected, [.finished])
        case (.pendingApproval?, .expire): return to(.expired, [.finished])
        case (.approved?, .startSending): return to(.sending)
        case (.sending?, .coreApplied): return to(.applied, [.finished])
        case (.sending?, .coreRefused): return to(.failed, [.finished])
        case (.sending?, .coreUncertain): return to(.unknown, [.reconcile])
        // Reconciliation: of `unknown`, and of `sending` left behind by a crashed node.
        case (.unknown?, .reconciledApplied), (.sending?, .reconciledApplied): return to(.applied, [.finished])
        case (.unknown?, .reconciledRefused), (.sending?, .reconciledRefused): return to(.failed, [.finished])
        case (.unknown?, .reconciledNotApplied), (.sending?, .reconciledNotApplied): return to(.approved, [.send])
        case (.unknown?, .reconcileUnanswered), (.sending?, .reconcileUnanswered): return to(.unknown, [.reconcile])
        default: return .failure(InvalidTransition(state: state, event: event))
        }
    }
}
