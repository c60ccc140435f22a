import Crypto
import LogModel

/// The identity of an alert group's kind of event: by default service + environment +
/// `error.type` + logger + the message template (see `MessageTemplate`); an event's own
/// `fingerprint` wins (with `{{ default }}` expanding to the default parts, as in Sentry).
public enum Fingerprint {
    /// 32 lowercase hex characters (the first 128 bits of SHA-256 over the parts).
    public static func of(_ event: AlertEvent) -> String {
        hash(parts(of: event))
    }

    /// The parts hashed, in order (shown by tests and useful when debugging a grouping).
    public static func parts(of event: AlertEvent) -> [String] {
        let defaults = [event.service, event.environment, event.errorType ?? "", event.logger,
                        MessageTemplate.normalize(event.errorType == nil ? event.message : (event.errorMessage ?? event.message))]
        guard let own = event.fingerprint, !own.isEmpty else { return defaults }
        return own.flatMap { $0 == "{{ default }}" || $0 == "{{default}}" ? defaults : [$0] }
    }

    public static func hash(_ parts: [String]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parts.reduce(0) { $0 + $1.utf8.count + 1 })
        for part in parts {
            bytes.append(contentsOf: part.utf8)
            bytes.append(0)
        }
        return digestHex(bytes)
    }

    /// The first 128 bits of SHA-256 over `bytes`, as 32 hex digits.
    static func digestHex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).withUnsafeBytes { LowercaseHex.encode(UnsafeRawBufferPointer(rebasing: $0.prefix(16))) }
    }
}
