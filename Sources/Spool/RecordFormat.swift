/// One record on disk: `u32 length | u32 crc | payload`, little-endian, no padding.
///
/// `crc` is CRC-32C over the four length bytes followed by the payload. Covering the length means a
/// run of zero bytes (what a file system may leave past the last fsync after a crash) never parses
/// as a valid empty record, and a damaged length is caught even when it happens to point at another
/// plausible boundary.
enum RecordFormat {
    static let headerSize = 8

    static func checksum(length: UInt32, payload: UnsafeRawBufferPointer) -> UInt32 {
        let lengthCRC = withUnsafeBytes(of: length.littleEndian) { CRC32C.checksum($0) }
        return CRC32C.checksum(payload, continuing: lengthCRC)
    }

    enum Parsed: Equatable {
        /// A complete, verified record; its payload is `payloadLength` bytes at `payloadOffset`.
        case record(payloadOffset: Int, payloadLength: Int)
        /// The buffer holds only part of the record; `needed` bytes from `offset` would hold all of it.
        case incomplete(needed: Int)
        /// The checksum does not match.
        case checksumMismatch(length: Int)
    }

    /// Parses the record starting at `offset` in `buffer` (which must hold at least the 8 header bytes
    /// to say anything more than `.incomplete`).
    static func parse(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> Parsed {
        let available = buffer.count - offset
        guard available >= headerSize else { return .incomplete(needed: headerSize) }
        let length = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        let stored = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        let needed = headerSize + Int(length)
        guard available >= needed else { return .incomplete(needed: needed) }
        let payload = UnsafeRawBufferPointer(rebasing: buffer[(offset + headerSize)..<(offset + needed)])
        guard checksum(length: length, payload: payload) == stored else { return .checksumMismatch(length: Int(length)) }
        return .record(payloadOffset: offset + headerSize, payloadLength: Int(length))
    }
}
