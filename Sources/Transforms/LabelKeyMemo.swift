import LogModel

/// What the normaliser works out about a top-level label or attribute key — the key as stored,
/// its hash, and whether it names a secret or a card — remembered across the events of one
/// request, which repeat the same dozen keys. Working it out costs ~800 instructions a key (most
/// of it ``SecretKeyMatcher``); finding it here costs a hash and one comparison, or for a key at
/// the same position as in the previous event, one comparison (see ``role(of:at:in:)``). The
/// field-table role of each top-level key is kept by position the same way.
///
/// One memo per request piece, used by one thread at a time: not `Sendable` on purpose.
public final class LabelKeyMemo {
    struct Facts {
        var storedKey: String
        var storedHash: UInt64
        var kind: SecretKeyKind
        /// Card numbers masked in the key itself (counted again for every event that sends it).
        var redactions: Int
        /// The stored key is the key as sent, byte for byte.
        var keyUnchanged: Bool
    }

    private struct Slot {
        var hash: UInt64
        var key: String
        var facts: Facts
    }

    /// The field candidates' table, lent to each event's ``FieldCandidates`` and handed back: one
    /// allocation per request piece instead of one per event.
    @exclusivity(unchecked) var candidateTable: [FieldCandidate?] = []

    /// The request piece's generated event ids, taken from the shared generator a block at a time.
    /// Not about keys, but the memo is the normaliser's one piece of per-request state.
    /// Unchecked: the memo is one thread's at a time, and the check cost ~30 instructions an event.
    @exclusivity(unchecked) var eventIDs = UUIDv7Block()

    /// The last written event's labels' storage, for the next event's (``StoredEvent/giveBack(to:)``):
    /// one allocation per request piece instead of one per event.
    @exclusivity(unchecked) private var spareLabels: [StoredLabels.Member] = []

    func takeSpareLabels() -> [StoredLabels.Member] {
        defer { spareLabels = [] }
        return spareLabels
    }

    func keepSpareLabels(_ members: [StoredLabels.Member]) {
        spareLabels = members
    }

    /// `event.ingested` for this request piece's events: the context's text in storage of the piece's
    /// own. The pieces of one request are decoded on both cores at once, and the request's one
    /// string had its reference count written by both cores for every event.
    func ingested(_ context: IngestContext) -> String {
        if !Self.sameString(ingestedShared, context.ingested) {
            ingestedShared = context.ingested
            ingestedOwn = String(decoding: Array(context.ingested.utf8), as: UTF8.self)
        }
        return ingestedOwn
    }

    @exclusivity(unchecked) private var ingestedShared = ""
    @exclusivity(unchecked) private var ingestedOwn = ""

    /// The previous flat event's shape and the field candidates it gave (see ``FlatShape``).
    @exclusivity(unchecked) var flatShape = FlatShape()

    private var slots = [Slot?](repeating: nil, count: LabelKeyMemo.capacity)
    private var used = 0
    /// A power of two; a request with more distinct keys than half of it works the rest out each time.
    private static let capacity = 256

    public init() {
        positions = .allocate(capacity: Self.positionCount)
        positions.initialize(repeating: Position(), count: Self.positionCount)
    }

    deinit {
        positions.deinitialize(count: Self.positionCount)
        positions.deallocate()
    }

    // MARK: - By position

    /// The previous event's top-level key at one position, its field-table role and, once asked
    /// for, its facts. The parser hands the next event the very same `String` when the key repeats
    /// (``JSONKeyReuse``), so it is recognised by its 16 bytes, without hashing and probing.
    private struct Position {
        var key: String = ""
        var known = false
        var role: KeyRole?
        var facts: Facts?
    }

    private static let positionCount = 32
    /// Plain memory: a class's array property pays an exclusivity check on every access.
    private let positions: UnsafeMutablePointer<Position>

    /// `table[key]` for the top-level member at `position`.
    @inline(__always)
    func role(of key: String, at position: Int, in table: KeyTable<KeyRole>) -> KeyRole? {
        guard position < Self.positionCount else { return table[key] }
        if positions[position].known, Self.sameString(positions[position].key, key) { return positions[position].role }
        let role = table[key]
        positions[position] = Position(key: key, known: true, role: role, facts: nil)
        return role
    }

    /// ``facts(of:secrets:)`` for the top-level member at `position`, whose role was asked for first.
    /// `secrets` is a parameter, not captured by a closure: a closure retained the normaliser's one
    /// matcher per label, and both decoding cores wrote its reference count.
    func facts(of key: String, at position: Int, secrets: SecretKeyMatcher) -> Facts {
        guard position >= 0, position < Self.positionCount, positions[position].known,
            Self.sameString(positions[position].key, key)
        else { return facts(of: key, secrets: secrets) }
        if let facts = positions[position].facts { return facts }
        let facts = facts(of: key, secrets: secrets)
        positions[position].facts = facts
        return facts
    }

    /// Whether `a` and `b` are the same `String` value bit for bit: the same storage, or the same
    /// small string. `false` for equal text elsewhere, which only means a lookup; and unlike `==`,
    /// never `true` for different bytes (`==` holds a decomposed "é" equal to "é").
    @inline(__always)
    static func sameString(_ a: String, _ b: String) -> Bool {
        unsafeBitCast(a, to: (UInt64, UInt64).self) == unsafeBitCast(b, to: (UInt64, UInt64).self)
    }

    /// The facts of `key`, worked out the first time (``ExtraFields/facts(of:secrets:)``).
    func facts(of key: String, secrets: SecretKeyMatcher) -> Facts {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash >> 56) & (Self.capacity - 1)
        while let existing = slots[slot] {
            if existing.hash == hash, existing.key == key { return existing.facts }
            slot = (slot + 1) & (Self.capacity - 1)
        }
        let facts = ExtraFields.facts(of: key, secrets: secrets)
        if used < Self.capacity / 2 {
            slots[slot] = Slot(hash: hash, key: key, facts: facts)
            used += 1
        }
        return facts
    }

    /// The hash the memo and ``ExtraFields`` compare keys by.
    static func hash(_ key: String) -> UInt64 { ByteHash.hash(key) }
}
