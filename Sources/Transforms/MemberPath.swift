/// Where a member sits in the raw event: its index at the top level, then inside an ECS object
/// (`log`, `http` → `request`), `-1` when unused.
struct MemberPath: Equatable {
    var top: Int32
    var second: Int32 = -1
    var third: Int32 = -1

    func appending(_ index: Int) -> MemberPath {
        var copy = self
        if second < 0 { copy.second = Int32(index) } else { copy.third = Int32(index) }
        return copy
    }
}
