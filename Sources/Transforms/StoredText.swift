import LogModel

/// A string of the stored document: one the normaliser made, or a string the event sent that goes
/// into the document unchanged (written without escapes, nothing in it to redact), kept as its place
/// in the event's bytes (the document's `source`). Such a string is copied once, when the document is
/// written, and never made into a `String`: most of an event's values are exactly that.
enum StoredText: Sendable, Equatable {
    case string(String)
    /// `count` bytes from `start` in the source: the UTF-8 between the quotes, which as JSON text
    /// needs no escaping (the event wrote none, and JSON forbids raw quotes and control bytes).
    case raw(start: Int32, count: Int32)

    /// The text as a `String`.
    func string(in source: UnsafeBufferPointer<UInt8>) -> String {
        switch self {
        case .string(let text): text
        case .raw(let start, let count): String(decoding: source[Int(start)..<Int(start + count)], as: UTF8.self)
        }
    }
}

extension JSONByteBuffer {
    /// Appends `text` as a JSON string; `source` holds the bytes of a raw one.
    @inline(__always)
    mutating func append(_ text: StoredText, from source: UnsafeBufferPointer<UInt8>) {
        switch text {
        case .string(let string): appendString(string)
        case .raw(let start, let count): appendUnescapedUTF8(UnsafeBufferPointer(rebasing: source[Int(start)..<Int(start + count)]))
        }
    }
}

/// The stored document's `labels`: members in order, every value a string (``StoredText``).
struct StoredLabels: Sendable, Equatable {
    struct Member: Sendable, Equatable {
        var key: String
        /// Where `key`'s UTF-8 is in the source, when the event sent it as stored; else -1.
        var rawKey: Int32
        var value: StoredText
    }

    private(set) var members: [Member] = []

    init(minimumCapacity: Int) { members.reserveCapacity(minimumCapacity) }

    /// Empty, in `storage` (a previous event's members, cleared in place when no one else holds them).
    init(reusing storage: [Member], minimumCapacity: Int) {
        members = storage
        members.removeAll(keepingCapacity: true)
        if members.capacity < minimumCapacity { members.reserveCapacity(minimumCapacity) }
    }

    var count: Int { members.count }
    var isEmpty: Bool { members.isEmpty }

    mutating func append(_ key: String, rawKey: Int32 = -1, _ value: StoredText) {
        members.append(Member(key: key, rawKey: rawKey, value: value))
    }

    /// Whether a member is named `key`, by bytes (as the stores compare keys; `==` on `String`s
    /// would fold a decomposed "é" into "é").
    func contains(_ key: String) -> Bool {
        let count = key.utf8.count
        return members.contains { $0.key.utf8.count == count && $0.key.utf8.elementsEqual(key.utf8) }
    }

    func object(source: UnsafeBufferPointer<UInt8>) -> JSONObject {
        JSONObject(members.map { JSONObject.Member($0.key, .string($0.value.string(in: source))) })
    }

    /// Writes the members as a JSON object.
    func write(into out: inout JSONByteBuffer, source: UnsafeBufferPointer<UInt8>) {
        out.appendRaw("{")
        members.withUnsafeBufferPointer { members in
            for index in members.indices {
                if index > 0 { out.appendRaw(",") }
                let rawKey = members[index].rawKey
                if rawKey >= 0 {
                    out.appendUnescapedUTF8(UnsafeBufferPointer(rebasing: source[Int(rawKey)..<Int(rawKey) + members[index].key.utf8.count]))
                } else {
                    out.appendString(members[index].key)
                }
                out.appendRaw(":")
                out.append(members[index].value, from: source)
            }
        }
        out.appendRaw("}")
    }
}
