/// Dotted field paths whose RFC 3339 string values are written as BSON dates
/// (e.g. `@timestamp`, `event.ingested`: TTL indexes and date range queries need real dates).
///
/// Stored as a small tree so the writer checks one key per level instead of building a dotted path
/// string for every field. A path also matches a flat dotted key (`{"event.ingested": ...}`).
public struct BSONDatePaths: Sendable, ExpressibleByArrayLiteral {
    var isDate: Bool
    var children: [String: BSONDatePaths]
    /// `children` with their keys as bytes, for `child(utf8:)`.
    private var byteChildren: [(key: [UInt8], node: BSONDatePaths)] = []

    public static let none = BSONDatePaths([String]())

    public init(_ paths: [String]) {
        isDate = false
        children = [:]
        for path in paths { insert(path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)) }
        indexBytes()
    }

    private mutating func indexBytes() {
        for key in children.keys { children[key]?.indexBytes() }
        byteChildren = children.map { (Array($0.key.utf8), $0.value) }
    }

    public init(arrayLiteral elements: String...) { self.init(elements) }

    public var isEmpty: Bool { children.isEmpty }

    private mutating func insert(_ components: [String]) {
        guard let first = components.first else {
            isDate = true
            return
        }
        var child = children[first] ?? BSONDatePaths(isDate: false, children: [:])
        child.insert(Array(components.dropFirst()))
        children[first] = child
    }

    private init(isDate: Bool, children: [String: BSONDatePaths]) {
        self.isDate = isDate
        self.children = children
    }

    /// `child(_:)` for a key given as UTF-8 bytes, without making a `String` unless the key is dotted.
    func child(utf8 key: UnsafeBufferPointer<UInt8>) -> BSONDatePaths? {
        for entry in byteChildren where entry.key.elementsEqual(key) { return entry.node }
        guard key.contains(UInt8(ascii: ".")) else { return nil }
        return child(String(decoding: key, as: UTF8.self))
    }

    /// The subtree for `key`, following each component of a dotted key.
    func child(_ key: String) -> BSONDatePaths? {
        if let direct = children[key] { return direct }
        guard key.utf8.contains(UInt8(ascii: ".")) else { return nil }
        var node: BSONDatePaths? = self
        for component in key.split(separator: ".", omittingEmptySubsequences: false) {
            node = node?.children[String(component)]
            if node == nil { return nil }
        }
        return node
    }
}
