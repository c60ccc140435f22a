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
    private let slots: [Int32]  // index into `keys`/`values`, or -1
    private let mask: Int
    /// Slots are taken from the hash's top bits, the best mixed ones of a multiplicative hash.
    private let shift: UInt64
    private let keys: [[UInt8]]
    private let values: [Value]

    init(_ entries: [(String, Value)]) {
        var size = 16
        var bits: UInt64 = 4
        while size < entries.count * 4 {
            size *= 2
            bits += 1
        }
        var slots = [Int32](repeating: -1, count: size)
        var keys: [[UInt8]] = []
        var values: [Value] = []
        for (key, value) in entries {
            let bytes = Array(key.utf8)
            let hash = bytes.withUnsafeBufferPointer { Self.hash($0) }
            var slot = Int(truncatingIfNeeded: hash >> (64 - bits))
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(keys.count)
            keys.append(bytes)
            values.append(value)
        }
        self.slots = slots
        self.mask = size - 1
        self.shift = 64 - bits
        self.keys = keys
        self.values = values
    }

    subscript(key: String) -> Value? {
        if let found = key.utf8.withContiguousStorageIfAvailable({ lookup($0) }) { return found }
        return Array(key.utf8).withUnsafeBufferPointer { lookup($0) }
    }

    private func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        var slot = Int(truncatingIfNeeded: Self.hash(bytes) >> shift)
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            let equal = keys[index].withUnsafeBufferPointer { key in
                key.count == bytes.count && (key.count == 0 || memcmp(key.baseAddress!, bytes.baseAddress!, key.count) == 0)
            }
            if equal { return values[index] }
            slot = (slot + 1) & mask
        }
    }

    /// Mixes the length and the first and last eight bytes (overlapping for short keys): enough to
    /// spread this table's few dozen keys, and a constant number of multiplications per key.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        var first: UInt64 = 0
        var last: UInt64 = 0
        if n >= 8, let base = bytes.baseAddress {
            first = UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)
            last = UnsafeRawPointer(base + n - 8).loadUnaligned(as: UInt64.self)
        } else {
            for i in 0..<n { first |= UInt64(bytes[i]) << UInt64(8 * i) }
        }
        let h = (first ^ 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
        return (h ^ (h >> 31) ^ (last &+ UInt64(n))) &* 0x94D0_49BB_1331_11EB
    }
}
