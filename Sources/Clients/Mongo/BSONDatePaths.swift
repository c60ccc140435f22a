#if canImport(Glibc)
import Glibc
#endif
/// Dotted field paths whose RFC 3339 string values are written as BSON dates
/// (e.g. `@timestamp`, `event.ingested`: TTL indexes and date range queries need real dates).
///
/// Stored as a small tree so the writer checks one key per level instead of building a dotted path
/// string for every field. A path also matches a flat dotted key (`{"event.ingested": ...}`).
public struct BSONDatePaths: Sendable, ExpressibleByArrayLiteral {
    var isDate: Bool
    var children: [String: BSONDatePaths]
    /// The same tree with its keys as bytes, for the writer that works on bytes (`JSONToBSON`):
    /// a class, so passing a level down costs no copy of its dictionary and array.
    private(set) var bytes = ByteNode(isDate: false, children: [])

    public static let none = BSONDatePaths([String]())

    public init(_ paths: [String]) {
        isDate = false
        children = [:]
        for path in paths { insert(path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)) }
        indexBytes()
    }

    private mutating func indexBytes() {
        for key in children.keys { children[key]?.indexBytes() }
        bytes = ByteNode(isDate: isDate, children: children.map { (Array($0.key.utf8), $0.value.bytes) })
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

extension BSONDatePaths {
    /// One level of the date paths, its keys as UTF-8 bytes.
    final class ByteNode: Sendable {
        let isDate: Bool
        let children: [(key: [UInt8], node: ByteNode)]

        init(isDate: Bool, children: [(key: [UInt8], node: ByteNode)]) {
            self.isDate = isDate
            self.children = children
        }

        /// The level below `key`, following each component of a dotted key (`{"event.ingested": …}`).
        func child(utf8 key: UnsafeBufferPointer<UInt8>) -> ByteNode? {
            if let direct = direct(key) { return direct }
            guard let base = key.baseAddress, memchr(base, Int32(UInt8(ascii: ".")), key.count) != nil else { return nil }
            var node = self
            for component in key.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
                guard let next = node.direct(UnsafeBufferPointer(rebasing: component)) else { return nil }
                node = next
            }
            return node
        }

        private func direct(_ key: UnsafeBufferPointer<UInt8>) -> ByteNode? {
            for entry in children where entry.key.count == key.count {
                if entry.key.withUnsafeBufferPointer({ $0.elementsEqual(key) }) { return entry.node }
            }
            return nil
        }
    }
}
