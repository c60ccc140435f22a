/// The winner of one field: where it is and which alias it came through.
struct FieldCandidate {
    var priority: UInt8
    var path: MemberPath
    var alias: StaticString
}
