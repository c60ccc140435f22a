import LogModel

/// What the normaliser works out about a top-level label or attribute key — the key as stored,
/// its hash, and whether it names a secret or a card — remembered across the events of one
/// request, which repeat the same dozen keys. Working it out costs ~800 instructions a key (most
/// of it ``SecretKeyMatcher``); finding it here costs a hash and one comparison.
///
/// One memo per request piece, used by one thread at a time: not `Sendable` on purpose.
public final class LabelKeyMemo {
    struct Facts {
        var storedKey: String
        var storedHash: UInt64
        var kind: SecretKeyKind
        /// Card numbers masked in the key itself (counted again for every event that sends it).
        var redactions: Int
    }

    private struct Slot {
        var hash: UInt64
        var key: String
        var facts: Facts
    }

    private var slots = [Slot?](repeating: nil, count: LabelKeyMemo.capacity)
    private var used = 0
    /// A power of two; a request with more distinct keys than half of it works the rest out each time.
    private static let capacity = 256

    public init() {}

    /// The facts of `key`, worked out by `compute` the first time.
    func facts(of key: String, _ compute: (String) -> Facts) -> Facts {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash >> 56) & (Self.capacity - 1)
        while let existing = slots[slot] {
            if existing.hash == hash, existing.key == key { return existing.facts }
            slot = (slot + 1) & (Self.capacity - 1)
        }
        let facts = compute(key)
        if used < Self.capacity / 2 {
            slots[slot] = Slot(hash: hash, key: key, facts: facts)
            used += 1
        }
        return facts
    }

    /// The hash the memo and ``ExtraFields`` compare keys by.
    static func hash(_ key: String) -> UInt64 { ByteHash.hash(key) }
}
