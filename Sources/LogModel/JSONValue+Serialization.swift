extension JSONValue {
    /// Compact JSON text (UTF-8): members in their stored order, no whitespace.
    ///
    /// Always valid RFC 8259 JSON that ``JSONParser`` reads back to an equal value, with two
    /// documented exceptions: non-finite doubles (which JSON cannot express) are written as `null`,
    /// and `-0.0` keeps its sign while integer `-0` was already `0`. Doubles use the shortest text
    /// that round-trips (`0.1`, `1e+20`, `3.0`), so a double stays a double when read back.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return out
    }

    /// Appends the compact JSON text of this value to `out`.
    public func write(into out: inout [UInt8]) {
        JSONByteBuffer.withBuffer { buffer in
            JSONWriter.write(self, into: &buffer)
            out.append(contentsOf: buffer.bytes)
        }
    }

    /// The compact JSON text as a `String`.
    public var jsonString: String {
        String(decoding: serialized(), as: UTF8.self)
    }
}

extension JSONObject {
    /// Compact JSON text of this object; see ``JSONValue/serialized()``.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(into: &out)
        return out
    }

    /// Appends the compact JSON text of this object to `out`.
    public func write(into out: inout [UInt8]) {
        JSONByteBuffer.withBuffer { buffer in
            JSONWriter.writeObject(self, into: &buffer)
            out.append(contentsOf: buffer.bytes)
        }
    }

    /// The compact JSON text as a `String`.
    public var jsonString: String {
        String(decoding: serialized(), as: UTF8.self)
    }
}
