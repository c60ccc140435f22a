/// The files of one spool directory.
struct SpoolPaths: Sendable {
    let root: String
    var segments: String { root + "/segments" }
    var cursors: String { root + "/cursors" }
    var lock: String { root + "/lock" }
    /// Corrupt segments are moved here, never deleted: an operator may want to look at them.
    var quarantine: String { root + "/quarantine" }

    init(root: String) {
        var root = root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    func segment(base: UInt64) -> String { segments + "/" + SegmentFormat.fileName(base: base) }
    func quarantined(base: UInt64) -> String { quarantine + "/" + SegmentFormat.fileName(base: base) }
    func cursor(sink: String) -> String { cursors + "/" + sink + ".cursor" }
    func cursorTemporary(sink: String) -> String { cursors + "/" + sink + ".cursor.tmp" }
}
