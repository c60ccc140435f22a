/// One operation of the catalog: what the page shows, who may run it, when a second person must
/// approve it, and the CORE request it becomes.
public struct OperationDefinition: Sendable, Equatable {
    public enum Method: String, Sendable, CaseIterable { case get = "GET", post = "POST" }

    /// `top_up`: the name scripts and the API use.
    public var name: String
    public var title: String
    public var description: String
    public var method: Method
    /// CORE's path with `{parameter}` placeholders: `/internal/v1/shops/{shop_id}/top-ups`.
    public var path: String
    public var parameters: [ParameterSpec]
    /// The permission needed to start it (`operations.run`).
    public var permission: String
    public var approval: ApprovalPolicy
    /// Shown on the confirmation step; `{name}` is replaced by the parameter's value.
    public var confirmation: String

    public init(name: String, title: String, description: String, method: Method, path: String, parameters: [ParameterSpec],
                permission: String = "operations.run", approval: ApprovalPolicy = .never, confirmation: String = "") {
        self.name = name
        self.title = title
        self.description = description
        self.method = method
        self.path = path
        self.parameters = parameters
        self.permission = permission
        self.approval = approval
        self.confirmation = confirmation
    }

    /// POSTs change CORE's state: they carry an `Idempotency-Key`, are audited, stored and counted.
    public var isMutating: Bool { method == .post }

    public func parameter(_ name: String) -> ParameterSpec? { parameters.first { $0.name == name } }

    /// The money parameter that thresholds and daily caps look at (the first one).
    public var moneyParameter: ParameterSpec? { parameters.first { $0.kind == .money } }
}

/// When an operation needs a second person holding `operations.approve` who is not the initiator.
public enum ApprovalPolicy: Sendable, Equatable {
    case never
    case always
    /// When the money parameter's absolute amount is above `threshold`. An amount in another currency
    /// than the threshold's cannot be compared without a rate, so it always needs approval.
    case above(Money)

    public func requiresApproval(amount: Money?) -> Bool {
        switch self {
        case .never: return false
        case .always: return true
        case .above(let threshold):
            guard let amount else { return false }
            guard amount.currency == threshold.currency else { return true }
            return amount.amount.magnitude > threshold.amount
        }
    }
}
