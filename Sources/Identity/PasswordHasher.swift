import Foundation
import HummingbirdBcrypt

/// bcrypt password hashes (hummingbird-auth's OpenBSD implementation, `$2b$`), salted per hash,
/// computed off the cooperative thread pool.
///
/// Guarantees:
/// - a new hash has exactly `cost` (2^cost rounds); `needsRehash` says when a stored hash is weaker
///   than that, so that raising the cost upgrades each account at its next login;
/// - `verify` and `verifyNothing` do the same work, so an unknown e-mail costs the same time as a
///   wrong password;
/// - passwords are NFKC-normalised before hashing and verifying, and never logged or kept.
public struct PasswordHasher: Sendable {
    public static let defaultCost = 12
    /// OWASP's floor for bcrypt is 10; the upper bound keeps a login under a few seconds.
    public static let allowedCosts = 10...16

    public let cost: Int
    /// A hash of a random string at `cost`, verified against when there is no account: same work,
    /// and it never matches anything a person can type (the string is discarded).
    private let decoyHash: String
    private let workers: BcryptWorkers

    /// Throws `AccountError.invalidBcryptCost` outside `allowedCosts`. Computes one hash (the decoy),
    /// so it takes as long as a login.
    public init(cost: Int = PasswordHasher.defaultCost) throws(AccountError) {
        guard Self.allowedCosts.contains(cost) else { throw .invalidBcryptCost(cost, allowed: Self.allowedCosts) }
        self.cost = cost
        self.workers = .shared
        self.decoyHash = Bcrypt.hash(TokenSecret.generate(), cost: UInt8(cost))
    }

    /// A new salted hash of `password` at `cost`. The caller checks the policy first; this only
    /// refuses what bcrypt would hash wrongly (over 72 bytes, NUL) with `AccountError.weakPassword`.
    public func hash(_ password: String) async throws(AccountError) -> String {
        let text = PasswordText.normalized(password)
        guard text.utf8.count <= PasswordPolicy.maximumBytes else {
            throw .weakPassword(.tooLong(maximumBytes: PasswordPolicy.maximumBytes))
        }
        guard !text.utf8.contains(0) else { throw .weakPassword(.controlCharacters) }
        let cost = UInt8(cost)
        return await workers.run { Bcrypt.hash(text, cost: cost) }
    }

    /// True when `password` matches `hash`. A password bcrypt cannot have hashed (over 72 bytes, with
    /// a NUL) never matches, but still costs one verification.
    public func verify(_ password: String, against hash: String) async -> Bool {
        // Far beyond any acceptable password: do not spend normalisation on a megabyte of junk.
        guard password.utf8.count <= 1024 else {
            await verifyNothing()
            return false
        }
        let text = PasswordText.normalized(password)
        // bcrypt stops at a NUL and after 72 bytes: "secret\0anything" would match "secret".
        let acceptable = text.utf8.count <= PasswordPolicy.maximumBytes && !text.utf8.contains(0)
        guard acceptable, Self.cost(of: hash) != nil else {
            await verifyNothing()
            return false
        }
        return await workers.run { Bcrypt.verify(text, hash: hash) }
    }

    /// Spends the time of one verification at `cost` and matches nothing: for an unknown e-mail, a
    /// disabled account or one without a password, so that the answer's timing says nothing.
    public func verifyNothing() async {
        let decoy = decoyHash
        _ = await workers.run { Bcrypt.verify("not the password", hash: decoy) }
    }

    /// True when `hash` is not a bcrypt hash or has a lower cost than this hasher's.
    public func needsRehash(_ hash: String) -> Bool {
        guard let stored = Self.cost(of: hash) else { return true }
        return stored < cost
    }

    /// The cost of a `$2a$`/`$2b$`/`$2y$` hash (`$2b$12$...` → 12); nil for anything else.
    public static func cost(of hash: String) -> Int? {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, ["2a", "2b", "2y"].contains(parts[1]),
              parts[2].count == 2, let cost = Int(parts[2]), (4...31).contains(cost), parts[3].count == 53
        else { return nil }
        return cost
    }
}
