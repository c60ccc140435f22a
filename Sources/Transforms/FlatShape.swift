import LogModel

/// What decides a flat event's field candidates: its keys in order and, of each value, the kind
/// ``Acceptance`` asks about (a non-empty string, an empty one, an integer, a boolean). The
/// events of a request mostly share one shape, and the same shape gives the same candidates: the
/// request's memo keeps the previous event's shape, and ``FieldCandidates`` reuses its table
/// (handed back after that event, see ``FieldCandidates/giveBack(to:)``) instead of finding the
/// candidates again.
struct FlatShape {
    /// The keys, held (so that no other key can be at the same address while they are compared)
    /// and compared as ``LabelKeyMemo/sameString(_:_:)`` (keys reused by ``JSONKeyReuse`` are the
    /// same `String`), and the values' kinds.
    private var keys: [String] = []
    private var kinds: [UInt8] = []
    /// The candidates table handed back after the last event is this shape's.
    private(set) var isValid = false
    private(set) var claimedWhole: UInt64 = 0

    /// Whether `event` has this shape (and the table handed back is still its candidates).
    func matches(_ event: FlatEvent) -> Bool {
        guard isValid, keys.count == event.members.count else { return false }
        // Through the buffers: `let member = event.members[index]` copied each member (its key retained).
        return keys.withUnsafeBufferPointer { keys in
            kinds.withUnsafeBufferPointer { kinds in
                event.members.withUnsafeBufferPointer { members in
                    for index in keys.indices {
                        guard LabelKeyMemo.sameString(keys[index], members[index].key), kinds[index] == Self.kind(members[index]) else {
                            return false
                        }
                    }
                    return true
                }
            }
        }
    }

    /// Remembers `event`'s shape, whose candidates claimed `claimedWhole`.
    mutating func remember(_ event: FlatEvent, claimedWhole: UInt64) {
        keys.removeAll(keepingCapacity: true)
        kinds.removeAll(keepingCapacity: true)
        for member in event.members {
            keys.append(member.key)
            kinds.append(Self.kind(member))
        }
        self.claimedWhole = claimedWhole
        isValid = true
    }

    /// The table handed back next is not a flat event's of this shape (a tree event's).
    mutating func invalidate() { isValid = false }

    private static func kind(_ member: FlatMember) -> UInt8 {
        switch member.value {
        case .text: member.valueCount > 0 ? 1 : 2
        case .int: 3
        case .bool: 4
        }
    }
}
