import LogModel

/// Collects, in one pass over the event's members, the best (lowest-priority, then first) member
/// for every field of the contract's table. Values stay in the raw event and are read through
/// their path, so collecting copies nothing.
struct FieldCandidates {
    private var found: [FieldCandidate?]
    private static let fieldCount = EventField.allCases.count
    /// Bit i: top-level member i (< 64) is claimed whole / has claimed members inside.
    private(set) var claimedWhole: UInt64 = 0
    private(set) var claimedInside: UInt64 = 0

    /// `memo`: the request's, which knows the roles of the previous event's keys by position.
    init(collecting raw: JSONObject, memo: LabelKeyMemo? = nil) {
        memo?.flatShape.invalidate()
        found = Self.emptyTable(reusing: memo)
        let table = FieldTable.topLevel
        // Members are read in place through the buffer: `for member in members` copied each one
        // (its key and value retained and released) only to look at it.
        raw.members.withUnsafeBufferPointer { members in
            for index in members.indices {
                let found = if let memo { memo.role(of: members[index].key, at: index, in: table) } else { table[members[index].key] }
                guard let role = found else { continue }
                visit(role, value: members[index].value, path: MemberPath(top: Int32(index)))
            }
        }
        markClaims()
    }

    /// The same for a flat event: every candidate is a whole member (none is an object). An event
    /// of the previous one's shape (``FlatShape``) takes its candidates as they are.
    init(collecting event: FlatEvent, memo: LabelKeyMemo? = nil) {
        if let memo, memo.flatShape.matches(event), memo.candidateTable.count == Self.fieldCount {
            found = memo.candidateTable
            memo.candidateTable = []
            claimedWhole = memo.flatShape.claimedWhole
            return
        }
        found = Self.emptyTable(reusing: memo)
        let table = FieldTable.topLevel
        let members = event.members
        for index in members.indices {
            let found = if let memo { memo.role(of: members[index].key, at: index, in: table) } else { table[members[index].key] }
            guard let role = found else { continue }
            visit(role, value: Self.standIn(for: members[index]), path: MemberPath(top: Int32(index)))
        }
        markClaims()
        memo?.flatShape.remember(event, claimedWhole: claimedWhole)
    }

    /// A value of the kind of `value`, for ``Acceptance`` (which asks a string only whether it is
    /// empty), without making the string.
    private static func standIn(for member: FlatMember) -> JSONValue {
        switch member.value {
        case .text: .string(member.valueCount > 0 ? "x" : "")
        case .int(let number): .int(number)
        case .bool(let flag): .bool(flag)
        }
    }

    private mutating func markClaims() {
        for candidate in found {
            guard let candidate, candidate.path.top < 64 else { continue }
            if candidate.path.second < 0 {
                claimedWhole |= 1 << UInt64(candidate.path.top)
            } else {
                claimedInside |= 1 << UInt64(candidate.path.top)
            }
        }
    }

    /// A table of `nil`s: the request's own (``LabelKeyMemo/candidateTable``, handed back by
    /// ``giveBack(to:)`` after each event) cleared in place, or a new one. Not
    /// `Array(repeating:count:)` per event: that went through the standard library's unspecialised
    /// allocation, which looks up the storage class's runtime metadata on every call (~270
    /// instructions an event); and not one shared empty table copied on first write: both cores
    /// would retain and release that one object.
    private static func emptyTable(reusing memo: LabelKeyMemo?) -> [FieldCandidate?] {
        if let memo {
            var table = memo.candidateTable
            memo.candidateTable = []
            if table.count == fieldCount {
                table.withUnsafeMutableBufferPointer { $0.update(repeating: nil) }
                return table
            }
        }
        var table: [FieldCandidate?] = []
        table.reserveCapacity(fieldCount)
        for _ in 0..<fieldCount { table.append(nil) }
        return table
    }

    /// Hands the table back to the request's memo for the next event (see ``emptyTable(reusing:)``).
    func giveBack(to memo: LabelKeyMemo?) {
        memo?.candidateTable = found
    }

    private mutating func visit(_ role: KeyRole, value: JSONValue, path: MemberPath) {
        if let members = role.members, case .object(let object) = value {
            guard path.third < 0 else { return }
            let table = FieldTable.objects[members.rawValue]
            object.members.withUnsafeBufferPointer { members in
                for index in members.indices {
                    guard let memberRole = table[members[index].key] else { continue }
                    visit(memberRole, value: members[index].value, path: path.appending(index))
                }
            }
            return
        }
        guard let field = role.field, role.acceptance.accepts(value) else { return }
        if let existing = found[field.rawValue], existing.priority <= role.priority { return }
        found[field.rawValue] = FieldCandidate(priority: role.priority, path: path, alias: role.alias)
    }

    subscript(field: EventField) -> FieldCandidate? { found[field.rawValue] }

    /// The winning value of `field` in `raw` (the object these candidates were collected from).
    func value(_ field: EventField, in raw: JSONObject) -> JSONValue? {
        guard let path = found[field.rawValue]?.path else { return nil }
        let value = raw.members[Int(path.top)].value
        guard path.second >= 0 else { return value }
        guard case .object(let object) = value else { return nil }
        let inner = object.members[Int(path.second)].value
        guard path.third >= 0 else { return inner }
        guard case .object(let innerObject) = inner else { return nil }
        return innerObject.members[Int(path.third)].value
    }

    /// The winning value of `field` in `event` (the flat event these candidates were collected from).
    func value(_ field: EventField, in event: FlatEvent) -> JSONValue? {
        guard let path = found[field.rawValue]?.path else { return nil }
        return event.value(at: Int(path.top))
    }

    /// The member of `event` (a flat event's) that won `field`.
    func member(_ field: EventField) -> Int? {
        guard let path = found[field.rawValue]?.path else { return nil }
        return Int(path.top)
    }

    /// Whether the top-level member at `index` was claimed whole, or has claimed members inside.
    func claim(ofMember index: Int) -> (whole: Bool, inside: Bool) {
        if index < 64 {
            let bit: UInt64 = 1 << UInt64(index)
            return (claimedWhole & bit != 0, claimedInside & bit != 0)
        }
        var whole = false
        var inside = false
        for case let candidate? in found where Int(candidate.path.top) == index {
            if candidate.path.second < 0 { whole = true } else { inside = true }
        }
        return (whole, inside)
    }

    /// Paths of the winners inside the top-level member at `index`.
    func claimedPaths(inside index: Int) -> [MemberPath] {
        found.compactMap { candidate in
            guard let candidate, Int(candidate.path.top) == index, candidate.path.second >= 0 else { return nil }
            return candidate.path
        }
    }
}
