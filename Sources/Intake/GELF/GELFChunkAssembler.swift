public import NIOCore

/// Reassembles chunked GELF over UDP: a chunk is `1e 0f`, an 8-byte message id, a sequence number and
/// a count (at most 128), then its part of the payload. A message is complete when all its chunks
/// arrived; one that stays incomplete for `timeout` (5 s, as Graylog) is dropped and counted, and the
/// bytes held for incomplete messages are bounded.
public struct GELFChunkAssembler: Sendable {
    public static let maximumChunks = 128

    private struct Pending {
        var parts: [ByteBuffer?]
        var received: Int
        var bytes: Int
        var firstSeen: ContinuousClock.Instant
    }

    private var pending: [UInt64: Pending] = [:]
    private var pendingBytes = 0
    public let timeout: Duration
    public let maxPendingBytes: Int
    /// Messages given up on (timed out, over the byte bound, or malformed chunks).
    public private(set) var dropped = 0

    public init(timeout: Duration = .seconds(5), maxPendingBytes: Int = 32 << 20) {
        self.timeout = timeout
        self.maxPendingBytes = maxPendingBytes
    }

    public enum Outcome: Equatable {
        /// A whole payload (a datagram that was not chunked, or the last chunk of one).
        case complete(ByteBuffer)
        /// A chunk was kept; more are needed.
        case incomplete
        /// A malformed chunk (bad count or sequence number).
        case invalid(String)
    }

    public mutating func add(_ datagram: ByteBuffer, now: ContinuousClock.Instant) -> Outcome {
        expire(now: now)
        guard datagram.readableBytes >= 2,
              datagram.getInteger(at: datagram.readerIndex, as: UInt8.self) == 0x1E,
              datagram.getInteger(at: datagram.readerIndex + 1, as: UInt8.self) == 0x0F
        else { return .complete(datagram) }
        var chunk = datagram
        guard chunk.readableBytes >= 12 else {
            dropped += 1
            return .invalid("a GELF chunk has a 12-byte header")
        }
        chunk.moveReaderIndex(forwardBy: 2)
        let id = chunk.readInteger(as: UInt64.self)!
        let sequence = Int(chunk.readInteger(as: UInt8.self)!)
        let count = Int(chunk.readInteger(as: UInt8.self)!)
        guard count >= 1, count <= Self.maximumChunks, sequence < count else {
            dropped += 1
            return .invalid("GELF chunk \(sequence) of \(count): the count must be 1–\(Self.maximumChunks) and the number below it")
        }
        var message = pending[id] ?? Pending(parts: Array(repeating: nil, count: count), received: 0, bytes: 0, firstSeen: now)
        guard message.parts.count == count else {
            dropped += 1
            return .invalid("GELF chunks of one message disagree on their count")
        }
        if message.parts[sequence] == nil {
            message.parts[sequence] = chunk
            message.received += 1
            message.bytes += chunk.readableBytes
            pendingBytes += chunk.readableBytes
        }
        if message.received == count {
            pending[id] = nil
            pendingBytes -= message.bytes
            var whole = ByteBuffer()
            whole.reserveCapacity(message.bytes)
            for part in message.parts { whole.writeImmutableBuffer(part!) }
            return .complete(whole)
        }
        pending[id] = message
        while pendingBytes > maxPendingBytes, let oldest = pending.min(by: { $0.value.firstSeen < $1.value.firstSeen }) {
            drop(oldest.key)
        }
        return .incomplete
    }

    /// Drops messages whose first chunk is older than the timeout.
    public mutating func expire(now: ContinuousClock.Instant) {
        for (id, message) in pending where now - message.firstSeen > timeout { drop(id) }
    }

    private mutating func drop(_ id: UInt64) {
        guard let message = pending.removeValue(forKey: id) else { return }
        pendingBytes -= message.bytes
        dropped += 1
    }
}
