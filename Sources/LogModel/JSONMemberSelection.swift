/// The top-level members a reader wants from a document (``JSONParser/parse(_:maxDepth:reusingKeys:keeping:)``):
/// the others are passed over without building their values. Alerting reads about a dozen of a
/// stored event's members and has no use for `@timestamp`, `event` or `ingest`.
///
/// Wanted names are told by the bit the parser already takes of every key (its length, first and
/// last byte: ``JSONParserState/keyBit(_:)``), without comparing bytes: a key that shares a bit with
/// a wanted name is kept too, which only costs its parse. Keys that are not ASCII are always kept
/// (`String`'s `==`, which the matchers use, equates canonically equivalent names of other bytes),
/// and a selection with a name that is not ASCII cannot be made (nil: parse everything).
public struct JSONMemberSelection: Sendable, Equatable {
    /// The wanted names, as given (tests and diagnostics).
    public let wanted: [String]
    /// The union of the wanted names' key bits.
    let bits: UInt64

    /// Nil when a name is not ASCII.
    public init?(_ names: some Sequence<String>) {
        var wanted: [String] = []
        var bits: UInt64 = 0
        for name in names where !wanted.contains(name) {
            let bytes = Array(name.utf8)
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            bits |= bytes.withUnsafeBufferPointer(JSONParserState.keyBit)
            wanted.append(name)
        }
        self.wanted = wanted
        self.bits = bits
    }

    /// True when the member `key` (whose key bit the parser took) is to be parsed, for a selection
    /// of these `bits`.
    @inline(__always)
    static func keeps(_ key: String, keyBit: UInt64, selected bits: UInt64) -> Bool {
        bits & keyBit != 0 || key.utf8.contains { $0 >= 0x80 }
    }
}
