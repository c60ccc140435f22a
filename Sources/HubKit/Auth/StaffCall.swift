public import Hummingbird
public import Identity
import Foundation

/// What a staff endpoint's handler gets once `StaffGate` let the request through.
public struct StaffCall: Sendable {
    public let principal: StaffPrincipal
    public let input: RequestInput
    /// Actor, client address and user agent for the security-audit rows this request causes.
    public let audit: AuditContext
    public let context: HubRequestContext

    /// True when the request came from an HTML form: answer with a page or a redirect, not JSON.
    public var isForm: Bool { input.isForm }

    /// The `{name}` path parameter as an id; a `Refusal` (404) when it is not a number.
    public func id(_ name: String = "id", what: String) throws -> Int64 {
        guard let text = context.parameters.get(name), let id = Int64(text), id > 0 else {
            throw Refusal.json(.notFound, "unknown_\(what)", "no \(what.replacingOccurrences(of: "_", with: " ")) with id '\(context.parameters.get(name) ?? "")'")
        }
        return id
    }
}
