/// Where JSON text is written: a plain pointer, count and capacity, so appending a byte is a bounds
/// check and a store (appending to `[UInt8]` byte by byte pays a uniqueness and capacity check per
/// call, which was a fifth of writing a stored document). It starts in stack memory and moves to the
/// heap only when a value outgrows it; use it through ``withBuffer(_:)``.
///
/// Writers that know the shape of their document (the normaliser's stored document) write its
/// fixed keys and punctuation with ``appendRaw(_:)`` and the variable parts with
/// ``appendString(_:)`` / ``appendValue(_:)``, instead of building a ``JSONObject`` tree first.
public struct JSONByteBuffer: ~Copyable {
    @usableFromInline private(set) var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var written = 0
    /// Bytes written so far.
    public var count: Int { written }
    @usableFromInline var capacity: Int
    @usableFromInline var ownsBase = false

    @usableFromInline
    init(initial: UnsafeMutableBufferPointer<UInt8>) {
        // `initial` is never empty: callers pass a fixed-size temporary allocation.
        base = initial.baseAddress!
        capacity = initial.count
    }

    deinit {
        if ownsBase { base.deallocate() }
    }

    /// The bytes written so far; valid until the next append or the end of ``withBuffer(_:)``.
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: written) }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if written == capacity { grow(minimum: written + 1) }
        base[written] = byte
        written += 1
    }

    @inlinable @inline(__always)
    mutating func append(_ start: UnsafePointer<UInt8>, count n: Int) {
        if written + n > capacity { grow(minimum: written + n) }
        Self.copy(start, to: base + written, count: n)
        written += n
    }

    /// Copies `n` bytes, the few bytes of most of a document's keys, literals and values without
    /// calling `memmove` (whose call cost more than such a copy: ~30 calls an event, 4.6 % of the
    /// hub's samples in `memmove` under full intake): overlapping word loads and stores, as in
    /// ``ByteHash``, reading and writing only bytes `0..<n`.
    @inlinable @inline(__always)
    public static func copy(_ source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count n: Int) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        switch n {
        case 16...32:
            let a = from.loadUnaligned(as: UInt64.self), b = from.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let c = from.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self)
            let d = from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            to.storeBytes(of: a, as: UInt64.self)
            to.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            to.storeBytes(of: c, toByteOffset: n - 16, as: UInt64.self)
            to.storeBytes(of: d, toByteOffset: n - 8, as: UInt64.self)
        case 8..<16:
            let a = from.loadUnaligned(as: UInt64.self), b = from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            to.storeBytes(of: a, as: UInt64.self)
            to.storeBytes(of: b, toByteOffset: n - 8, as: UInt64.self)
        case 4..<8:
            let a = from.loadUnaligned(as: UInt32.self), b = from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            to.storeBytes(of: a, as: UInt32.self)
            to.storeBytes(of: b, toByteOffset: n - 4, as: UInt32.self)
        case 1..<4:
            target[0] = source[0]
            target[n >> 1] = source[n >> 1]
            target[n - 1] = source[n - 1]
        case 0:
            break
        default:
            target.update(from: source, count: n)
        }
    }

    /// `"` + `bytes` + `"` with one capacity check.
    @inlinable @inline(__always)
    mutating func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        if written + n + 2 > capacity { grow(minimum: written + n + 2) }
        base[written] = UInt8(ascii: "\"")
        if n > 0 { Self.copy(bytes.baseAddress!, to: base + written + 1, count: n) }
        base[written + n + 1] = UInt8(ascii: "\"")
        written += n + 2
    }

    @inline(__always)
    mutating func append(_ literal: StaticString) {
        append(literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    @usableFromInline
    mutating func grow(minimum: Int) {
        let newCapacity = Swift.max(minimum, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: written)
        if ownsBase { base.deallocate() }
        base = newBase
        capacity = newCapacity
        ownsBase = true
    }

    /// Runs `body` with an empty buffer that starts on the stack (sized for a typical stored document).
    /// Inlinable so that callers in other modules get it specialised: called as a generic, it looked
    /// up the runtime metadata of its types on every call (~1 % of the hub's CPU under full intake, perf).
    @inlinable
    public static func withBuffer<R>(_ body: (inout JSONByteBuffer) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { initial in
            var buffer = JSONByteBuffer(initial: initial)
            return body(&buffer)
        }
    }
}

extension JSONByteBuffer {
    /// Appends `literal` as it is: the caller guarantees it is valid JSON text at this point
    /// (punctuation, or a key that needs no escaping, such as `,"event":{"id":`).
    @inlinable @inline(__always)
    public mutating func appendRaw(_ literal: StaticString) {
        append(literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    /// Appends `string` as a JSON string (quoted and escaped).
    public mutating func appendString(_ string: String) {
        JSONWriter.writeString(string, into: &self)
    }

    /// Appends `string` quoted, without looking for bytes to escape: only for text the caller made
    /// or checked to hold none (an event id of `[A-Za-z0-9_-]`, a formatted time, a level name).
    /// Checked in debug builds.
    public mutating func appendPlainString(_ string: String) {
        assert(!string.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") },
               "appendPlainString given a string that needs escaping")
        if string.utf8.withContiguousStorageIfAvailable({ appendQuoted($0) }) == nil { appendString(string) }
    }

    /// Appends `bytes` quoted, as they are: only for the UTF-8 of a JSON string that was written
    /// without escapes (a value read in place from an event), which holds nothing to escape.
    @inlinable
    public mutating func appendUnescapedUTF8(_ bytes: UnsafeBufferPointer<UInt8>) {
        appendQuoted(bytes)
    }

    /// Appends the compact JSON text of `value`.
    public mutating func appendValue(_ value: JSONValue) {
        JSONWriter.write(value, into: &self)
    }

    /// Appends the compact JSON text of `object`.
    public mutating func appendObject(_ object: JSONObject) {
        JSONWriter.writeObject(object, into: &self)
    }

    /// Appends ``Timestamp/format(micros:)`` as a JSON string, without making a `String` of it.
    public mutating func appendTimestamp(micros: Int64) {
        if written + 26 > capacity { grow(minimum: written + 26) }
        base[written] = UInt8(ascii: "\"")
        Timestamp.write(micros: micros, into: UnsafeMutableBufferPointer(start: base + written + 1, count: 24))
        base[written + 25] = UInt8(ascii: "\"")
        written += 26
    }

    /// Appends `value` as a JSON integer.
    public mutating func appendInt(_ value: Int64) {
        JSONWriter.writeInt(value, into: &self)
    }
}
