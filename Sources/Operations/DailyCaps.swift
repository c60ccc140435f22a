/// Per-role daily caps on money moved: a user's cap is the largest of their roles' caps; a role
/// that may run operations but has no cap configured (admin) is not capped.
public struct DailyCaps: Sendable, Equatable {
    /// Role name -> cap (in `currency`).
    public var caps: [String: DecimalNumber]
    public var currency: Currency

    public init(caps: [String: DecimalNumber], currency: Currency = .rub) {
        self.caps = caps
        self.currency = currency
    }

    /// Nil = no cap for this user.
    public func cap(forRoles roles: [String]) -> DecimalNumber? {
        var best: DecimalNumber?
        for role in roles {
            guard let cap = caps[role] else { return nil }
            best = best.map { max($0, cap) } ?? cap
        }
        return best
    }

    /// True when moving `amount` on top of `movedToday` stays within `cap`.
    public static func allows(movedToday: DecimalNumber, amount: DecimalNumber, cap: DecimalNumber?) -> Bool {
        guard let cap else { return true }
        guard let total = movedToday.adding(amount.magnitude) else { return false }
        return total <= cap
    }
}
