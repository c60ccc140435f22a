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
        digestHex(joined(parts))
    }

    /// ``of(_:)``, with digests already taken looked up in `memo`.
    public static func of(_ event: AlertEvent, memo: inout DigestMemo) -> String {
        memo.hash { appendParts(of: event, to: &$0) }
    }

    /// What is hashed: each part's UTF-8 followed by a zero byte.
    static func joined(_ parts: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parts.reduce(0) { $0 + $1.utf8.count + 1 })
        for part in parts { append(part, to: &bytes) }
        return bytes
    }

    /// One part of the digest input: its UTF-8 and a zero byte.
    @inline(__always)
    static func append(_ part: String, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: part.utf8)
        bytes.append(0)
    }

    /// `joined(parts(of: event))`, written straight into `bytes` (no array of parts, no template `String`).
    static func appendParts(of event: AlertEvent, to bytes: inout [UInt8]) {
        func defaults(_ bytes: inout [UInt8]) {
            append(event.service, to: &bytes)
            append(event.environment, to: &bytes)
            append(event.errorType ?? "", to: &bytes)
            append(event.logger, to: &bytes)
            MessageTemplate.append(event.errorType == nil ? event.message : (event.errorMessage ?? event.message), to: &bytes)
            bytes.append(0)
        }
        guard let own = event.fingerprint, !own.isEmpty else { return defaults(&bytes) }
        for part in own {
            if part == "{{ default }}" || part == "{{default}}" { defaults(&bytes) } else { append(part, to: &bytes) }
        }
    }

    /// The first 128 bits of SHA-256 over `bytes`, as 32 hex digits.
    static func digestHex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).withUnsafeBytes { LowercaseHex.encode(UnsafeRawBufferPointer(rebasing: $0.prefix(16))) }
    }
}

/// ``Fingerprint/hash(_:)`` results already computed, found by their input bytes. The evaluator keeps
/// one per batch: a batch's thousands of routed events fall into about a hundred groups, and a SHA-256
/// with its wrapping costs ~9,000 instructions where joining the parts and finding the digest again
/// costs ~2,700 (callgrind, `intake-bench alerting`).
public struct DigestMemo: Sendable {
    private var digests: [Input: String] = [:]
    /// Beyond this many distinct inputs new digests are computed but not kept.
    private let capacity: Int
    /// The input being looked up, written in place: one buffer for the batch, not an array of
    /// parts and their joining per look-up.
    private var scratch: [UInt8] = []

    public init(capacity: Int = 4096) { self.capacity = capacity }

    /// How many digests are kept.
    public var count: Int { digests.count }

    public mutating func hash(_ parts: [String]) -> String {
        hash { bytes in for part in parts { Fingerprint.append(part, to: &bytes) } }
    }

    /// ``Fingerprint/hash(_:)`` of the input `write` appends (each part's UTF-8 and a zero byte).
    mutating func hash(_ write: (inout [UInt8]) -> Void) -> String {
        scratch.removeAll(keepingCapacity: true)
        write(&scratch)
        let input = Input(bytes: scratch)
        if let known = digests[input] { return known }
        let digest = Fingerprint.digestHex(scratch)
        // Kept, it shares the scratch buffer until the next look-up writes and so copies it.
        if digests.count < capacity { digests[input] = digest }
        return digest
    }

    /// The joined bytes, hashed in one piece: ``ByteHash`` eight bytes at a time (SipHash over the
    /// ~100 bytes of a group key's input was a third of a hit's cost). Collisions cost a comparison.
    private struct Input: Hashable, Sendable {
        let bytes: [UInt8]
        func hash(into hasher: inout Hasher) { hasher.combine(bytes.withUnsafeBufferPointer(ByteHash.hash)) }
    }
}
