/// The catalog the hub runs with when the configuration gives none: the names and parameters that
/// scripts and the CORE team rely on (issue 11 §2, docs/core-api.md).
public enum DefaultCatalog {
    /// Ids as CORE issues them: letters, digits, `_` and `-`, at most 64 (they end up in URL paths).
    public static let idPattern = "[A-Za-z0-9_-]{1,64}"

    public static let topUpThreshold = Money(amount: DecimalNumber(units: 50_000_00, scale: 2), currency: .rub)
    public static let refundThreshold = Money(amount: DecimalNumber(units: 10_000_00, scale: 2), currency: .rub)

    static func shopID(_ location: ParameterSpec.Location = .path) -> ParameterSpec {
        ParameterSpec(name: "shop_id", kind: .string, location: location, description: "the shop's id in CORE", pattern: idPattern)
    }

    static func amount(signed: Bool = false) -> ParameterSpec {
        ParameterSpec(name: "amount", kind: .money, description: signed ? "signed amount (negative lowers the balance)" : "amount",
                      maximum: "1000000000", signed: signed, currencyParameter: "currency")
    }

    static let currency = ParameterSpec(name: "currency", kind: .currency, description: "ISO 4217 code")
    static let reason = ParameterSpec(name: "reason", kind: .string, description: "why (kept in CORE and in the audit)", minLength: 3, maxLength: 500)

    public static let catalog: [OperationDefinition] = [
        OperationDefinition(
            name: "shop_lookup", title: "Look a shop up", description: "The shop, its state and balance.",
            method: .get, path: "/internal/v1/shops/{shop_id}", parameters: [shopID()]),
        OperationDefinition(
            name: "shop_movements", title: "Balance movements", description: "The shop's balance movements, newest first.",
            method: .get, path: "/internal/v1/shops/{shop_id}/movements",
            parameters: [shopID(), ParameterSpec(name: "limit", kind: .integer, location: .query, required: false,
                                                  description: "how many (1–200)", minimum: "1", maximum: "200")]),
        OperationDefinition(
            name: "top_up", title: "Top up the balance", description: "Adds money to the shop's balance by hand.",
            method: .post, path: "/internal/v1/shops/{shop_id}/top-ups", parameters: [shopID(), amount(), currency, reason],
            approval: .above(topUpThreshold), confirmation: "Top up shop {shop_id} by {amount} {currency}: {reason}"),
        OperationDefinition(
            name: "correct_balance", title: "Correct the balance",
            description: "Adds a signed correction to the balance; any amount needs a second person's approval.",
            method: .post, path: "/internal/v1/shops/{shop_id}/corrections", parameters: [shopID(), amount(signed: true), currency, reason],
            approval: .always, confirmation: "Correct the balance of shop {shop_id} by {amount} {currency}: {reason}"),
        OperationDefinition(
            name: "refund", title: "Refund a payment", description: "Refunds all or part of a payment.",
            method: .post, path: "/internal/v1/payments/{payment_id}/refunds",
            parameters: [ParameterSpec(name: "payment_id", kind: .string, location: .path, description: "the payment's id in CORE",
                                       pattern: idPattern), amount(), currency, reason],
            approval: .above(refundThreshold), confirmation: "Refund {amount} {currency} of payment {payment_id}: {reason}"),
        OperationDefinition(
            name: "block_shop", title: "Block the shop", description: "Stops the shop from taking payments.",
            method: .post, path: "/internal/v1/shops/{shop_id}/block", parameters: [shopID(), reason],
            confirmation: "Block shop {shop_id}: {reason}"),
        OperationDefinition(
            name: "unblock_shop", title: "Unblock the shop", description: "Lets a blocked shop take payments again.",
            method: .post, path: "/internal/v1/shops/{shop_id}/unblock", parameters: [shopID()],
            confirmation: "Unblock shop {shop_id}"),
        OperationDefinition(
            name: "system_operation", title: "System operation", description: "Runs one of CORE's system operations with its arguments.",
            method: .post, path: "/internal/v1/system/{operation}",
            parameters: [ParameterSpec(name: "operation", kind: .string, location: .path, description: "CORE's name for it",
                                       pattern: "[a-z][a-z0-9_]{0,63}"),
                         ParameterSpec(name: "arguments", kind: .object, location: .wholeBody, required: false,
                                       description: "a JSON object, sent as the body")],
            confirmation: "Run CORE's system operation {operation}"),
    ]
}
