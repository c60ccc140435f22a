import Crypto
import Foundation

/// Random secrets for sessions, CSRF tokens, personal tokens and reset links, and the digest that
/// the database keeps instead of them.
enum RandomSecret {
    /// `bytes` random bytes from the system's CSPRNG, base64url without padding.
    static func generate(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        return TokenSecret.base64URL((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Hex SHA-256. The secrets are random and long, so a fast digest is enough (no password hash).
    static func digest(_ secret: String) -> String { TokenSecret.digest(secret) }

    /// A presented secret worth looking up: bounded length and base64url/prefix characters only,
    /// so junk never reaches the database.
    static func isPlausible(_ secret: String, maximumLength: Int = 128) -> Bool {
        !secret.isEmpty && secret.utf8.count <= maximumLength && secret.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
        }
    }
}
