/// The keys of the last event parsed, by position, for the next event of the same request: events
/// of one request repeat their keys in the same order, and reusing the `String` made last time
/// costs a length check and a comparison of a few bytes where making one costs ~100 instructions.
///
/// Only the top-level object's keys without escapes take part, slot `i` holding member `i`'s key.
/// The bytes compared are the raw bytes of the body, which for a string without escapes are
/// exactly its UTF-8 (checked by the parser before it asks), so a reused key is the string the
/// parser would have made. (Values too were measured: they seldom repeat at the same place, and
/// comparing and remembering them cost more than the hits saved.)
///
/// One per request piece, used by one thread at a time: not `Sendable` on purpose.
public final class JSONKeyReuse {
    /// Members `0..<slotCount` of each event take part.
    static let slotCount = 32
    /// Longer keys are not kept.
    static let maximumBytes = 48

    /// What the parser holds: plain pointers into this object's storage, so that passing it
    /// around retains nothing (this object outlives every parse it is given to).
    struct Slots {
        /// Slot `s`'s bytes: `bytes + s * maximumBytes`, `counts[s]` of them (`-1`: empty).
        fileprivate let bytes: UnsafeMutablePointer<UInt8>
        fileprivate let counts: UnsafeMutablePointer<Int>
        fileprivate let strings: UnsafeMutablePointer<String>
        /// Slot `s`'s key bit (``JSONParserState/keyBit(_:)``), worked out when it was remembered.
        fileprivate let bits: UnsafeMutablePointer<UInt64>

        /// The key in `slot` when its bytes are `text`'s, else `nil`.
        @inline(__always)
        func previous(_ slot: Int, matching text: UnsafeBufferPointer<UInt8>) -> String? {
            guard slot < JSONKeyReuse.slotCount, counts[slot] == text.count, text.count > 0,
                Self.equal(bytes + slot * JSONKeyReuse.maximumBytes, text.baseAddress!, text.count)
            else { return nil }
            return strings[slot]
        }

        /// The key in `slot` when the bytes at `text` (`available` of them, just after an opening
        /// quote) are its bytes and the closing quote: the key without looking for where it ends.
        /// Returns the key and its length in bytes.
        @inline(__always)
        func predicted(_ slot: Int, at text: UnsafePointer<UInt8>, available: Int) -> (key: String, count: Int, bit: UInt64)? {
            guard slot < JSONKeyReuse.slotCount else { return nil }
            let n = counts[slot]
            guard n > 0, n < available, text[n] == UInt8(ascii: "\""),
                Self.equal(bytes + slot * JSONKeyReuse.maximumBytes, text, n)
            else { return nil }
            return (strings[slot], n, bits[slot])
        }

        /// `memcmp(a, b, n) == 0` for 1 ≤ n ≤ `maximumBytes`, inline: most keys are a few bytes,
        /// where calling `memcmp` costs more than comparing. Overlapping reads, as ``ByteHash``.
        @inline(__always)
        private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
            let a = UnsafeRawPointer(a), b = UnsafeRawPointer(b)
            if n >= 8 {
                var i = 0
                while i + 8 < n {
                    if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                        return false
                    }
                    i += 8
                }
                return a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            }
            if n >= 4 {
                return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                    && a.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            }
            let a8 = a.assumingMemoryBound(to: UInt8.self), b8 = b.assumingMemoryBound(to: UInt8.self)
            return a8[0] == b8[0] && a8[n >> 1] == b8[n >> 1] && a8[n - 1] == b8[n - 1]
        }

        /// Keeps `string`, made from `text`, for the next event's `slot`.
        @inline(__always)
        func remember(_ string: String, from text: UnsafeBufferPointer<UInt8>, in slot: Int) {
            guard slot < JSONKeyReuse.slotCount, text.count <= JSONKeyReuse.maximumBytes, text.count > 0 else { return }
            (bytes + slot * JSONKeyReuse.maximumBytes).update(from: text.baseAddress!, count: text.count)
            counts[slot] = text.count
            strings[slot] = string
            bits[slot] = JSONParserState.keyBit(text)
        }
    }

    let slots: Slots

    public init() {
        let strings = UnsafeMutablePointer<String>.allocate(capacity: Self.slotCount)
        strings.initialize(repeating: "", count: Self.slotCount)
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: Self.slotCount)
        counts.initialize(repeating: -1, count: Self.slotCount)
        let bits = UnsafeMutablePointer<UInt64>.allocate(capacity: Self.slotCount)
        bits.initialize(repeating: 0, count: Self.slotCount)
        slots = Slots(bytes: .allocate(capacity: Self.slotCount * Self.maximumBytes), counts: counts, strings: strings, bits: bits)
    }

    deinit {
        slots.strings.deinitialize(count: Self.slotCount)
        slots.strings.deallocate()
        slots.bytes.deallocate()
        slots.counts.deallocate()
        slots.bits.deallocate()
    }
}
