/// Where each resource, scope and log record sits in a protobuf `ExportLogsServiceRequest`, found
/// by walking the wire format's tags and lengths (no decoding). The event ids hash these bytes as
/// they arrived instead of serialising every record again, which cost an eighth of the input's CPU.
/// Exporters write fields in field-number order, as SwiftProtobuf does, so the bytes are the ones
/// re-serialising would give and a JSON retry of the same records gets the same ids.
enum OTLPWireScan {
    struct ResourceLogs {
        var resource: ArraySlice<UInt8>?
        var scopes: [ScopeLogs] = []
    }

    struct ScopeLogs {
        var scope: ArraySlice<UInt8>?
        var records: [ArraySlice<UInt8>] = []
    }

    /// `nil` when the bytes hold something this walk does not expect (groups, a repeated singular
    /// field): the caller then serialises the decoded messages instead.
    static func scan(_ bytes: [UInt8]) -> [ResourceLogs]? {
        var result: [ResourceLogs] = []
        guard walk(bytes[...], { field, value in
            guard field == 1, let value else { return true }
            guard let resourceLogs = Self.resourceLogs(value) else { return false }
            result.append(resourceLogs)
            return true
        }) else { return nil }
        return result
    }

    private static func resourceLogs(_ bytes: ArraySlice<UInt8>) -> ResourceLogs? {
        var result = ResourceLogs()
        let ok = walk(bytes) { field, value in
            switch (field, value) {
            case (1, let value?):
                guard result.resource == nil else { return false }
                result.resource = value
            case (2, let value?):
                guard let scope = scopeLogs(value) else { return false }
                result.scopes.append(scope)
            default: break
            }
            return true
        }
        return ok ? result : nil
    }

    private static func scopeLogs(_ bytes: ArraySlice<UInt8>) -> ScopeLogs? {
        var result = ScopeLogs()
        let ok = walk(bytes) { field, value in
            switch (field, value) {
            case (1, let value?):
                guard result.scope == nil else { return false }
                result.scope = value
            case (2, let value?):
                result.records.append(value)
            default: break
            }
            return true
        }
        return ok ? result : nil
    }

    /// Calls `visit` with each field number and, for length-delimited fields, the field's bytes
    /// (`nil` for the other wire types, which are skipped). False on malformed input or when
    /// `visit` says so.
    private static func walk(_ bytes: ArraySlice<UInt8>, _ visit: (UInt64, ArraySlice<UInt8>?) -> Bool) -> Bool {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            guard let tag = varint(bytes, &i) else { return false }
            let field = tag >> 3
            switch tag & 7 {
            case 0:
                guard varint(bytes, &i) != nil else { return false }
                if !visit(field, nil) { return false }
            case 1, 5:
                let width = tag & 7 == 1 ? 8 : 4
                guard bytes.endIndex - i >= width else { return false }
                i += width
                if !visit(field, nil) { return false }
            case 2:
                guard let length = varint(bytes, &i), length <= UInt64(bytes.endIndex - i) else { return false }
                let end = i + Int(length)
                if !visit(field, bytes[i..<end]) { return false }
                i = end
            default:
                return false
            }
        }
        return true
    }

    private static func varint(_ bytes: ArraySlice<UInt8>, _ i: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.endIndex, shift < 64 {
            let byte = bytes[i]
            i += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
