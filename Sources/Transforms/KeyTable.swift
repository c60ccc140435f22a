import LogModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of keys looked up by their UTF-8 bytes: a word-at-a-time hash into an
/// open-addressed table, then a byte comparison. Field lookup runs for every member of every
/// event, where hashing each key through `Hasher` into a `Dictionary` cost more than the rest of
/// the mapping. A class, so that reading it from a `static let` retains one reference, not four
/// arrays.
final class KeyTable<Value: Sendable>: Sendable {
    /// One slot of the open-addressed table: the key's full hash (a miss, most label keys, is then
    /// decided without touching the key's bytes) and where its bytes and value are.
    private struct Slot {
        var hash: UInt64 = 0
        var entry: Int32 = -1  // index into `values`, or -1 when the slot is empty
        var offset: Int32 = 0  // the key's bytes in `keyBytes`
        var count: Int32 = 0
    }

    private let slots: [Slot]
    private let mask: Int
    /// Slots are taken from the hash's top bits, the best mixed ones of a multiplicative hash.
    private let shift: UInt64
    /// Every key's UTF-8 bytes, one after another.
    private let keyBytes: [UInt8]
    private let values: [Value]

    init(_ entries: [(String, Value)]) {
        var size = 16
        var bits: UInt64 = 4
        while size < entries.count * 4 {
            size *= 2
            bits += 1
        }
        var slots = [Slot](repeating: Slot(), count: size)
        var keyBytes: [UInt8] = []
        var values: [Value] = []
        for (key, value) in entries {
            let bytes = Array(key.utf8)
            let hash = bytes.withUnsafeBufferPointer { Self.hash($0) }
            var slot = Int(truncatingIfNeeded: hash >> (64 - bits))
            while slots[slot].entry >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Slot(hash: hash, entry: Int32(values.count), offset: Int32(keyBytes.count), count: Int32(bytes.count))
            keyBytes.append(contentsOf: bytes)
            values.append(value)
        }
        self.slots = slots
        self.mask = size - 1
        self.shift = 64 - bits
        self.keyBytes = keyBytes
        self.values = values
    }

    subscript(key: String) -> Value? {
        if let found = key.utf8.withContiguousStorageIfAvailable({ lookup($0) }) { return found }
        return Array(key.utf8).withUnsafeBufferPointer { lookup($0) }
    }

    private func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        let hash = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash >> shift)
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let candidate = slots[slot]
                if candidate.entry < 0 { return nil }
                if candidate.hash == hash, Int(candidate.count) == bytes.count {
                    let equal = keyBytes.withUnsafeBufferPointer { all in
                        bytes.count == 0 || memcmp(all.baseAddress! + Int(candidate.offset), bytes.baseAddress!, bytes.count) == 0
                    }
                    if equal { return values[Int(candidate.entry)] }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// ``ByteHash``: the parser's and the label memo's hash too.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        ByteHash.hash(bytes)
    }
}
