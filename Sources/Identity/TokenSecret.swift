import Crypto
import Foundation
import LogModel

/// Generates and digests token secrets.
///
/// Secrets carry 240 random bits, so a fast digest (SHA-256) is enough to store them: a slow
/// password hash protects low-entropy human passwords, not random keys (GitHub and Stripe do the same).
public enum TokenSecret {
    public static let prefix = "dmp_"

    /// A new secret: `dmp_` + 40 base64url characters.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<30).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return prefix + base64URL(bytes)
    }

    /// Hex SHA-256 of the secret; what the database stores and what lookups compare.
    public static func digest(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).withUnsafeBytes { LowercaseHex.encode($0) }
    }

    /// The part of a secret that may be shown (`dmp_ab12cd`).
    public static func displayPrefix(_ secret: String) -> String {
        String(secret.prefix(prefix.count + 6))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
