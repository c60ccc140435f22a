/// What a key stands for: an alias of a field, an ECS object whose members are looked up in turn
/// (`log`, `service`, `http` ...), or both (`service: "core"` vs `service: {"name": "core"}`).
/// Plain data (no reference counting): it is read for every member of every event.
struct KeyRole: Sendable {
    var field: EventField?
    /// Position in the row's alias list: lower wins ("first found wins").
    var priority: UInt8 = 0
    var acceptance: Acceptance = .scalar
    /// The alias as the contract writes it, for error messages (`event.id`, `uuid`).
    var alias: StaticString = ""
    /// The table (``FieldTable/objects``) of the members when the value is an object.
    var members: FieldTable.Object?

    static func field(_ field: EventField, _ priority: UInt8, _ alias: StaticString, _ acceptance: Acceptance = .scalar) -> KeyRole {
        KeyRole(field: field, priority: priority, acceptance: acceptance, alias: alias)
    }

    static func object(_ members: FieldTable.Object) -> KeyRole {
        KeyRole(members: members)
    }

    func orObject(_ members: FieldTable.Object) -> KeyRole {
        var copy = self
        copy.members = members
        return copy
    }
}
