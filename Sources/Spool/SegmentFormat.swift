/// Segment files: `<directory>/segments/<20-digit base offset>.seg`, each a 16-byte header followed by
/// records. Header: `"DMSP" | u32 version (1) | u64 base offset`, little-endian.
///
/// The base offset is the global offset of the segment's first record. Global offsets count record
/// bytes only (headers excluded), so a segment's end offset is exactly the next segment's base and a
/// reader's position is one integer that moves across files without gaps.
enum SegmentFormat {
    static let headerSize = 16
    static let magic: UInt32 = 0x5053_4D44  // "DMSP" read as little-endian
    static let version: UInt32 = 1
    static let fileExtension = ".seg"

    static func header(base: UInt64) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(headerSize)
        withUnsafeBytes(of: magic.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: version.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: base.littleEndian) { out.append(contentsOf: $0) }
        return out
    }

    static func fileName(base: UInt64) -> String {
        let digits = String(base)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + fileExtension
    }

    /// The base offset a segment file name stands for, or nil for any other file.
    static func base(fromFileName name: String) -> UInt64? {
        guard name.hasSuffix(fileExtension) else { return nil }
        let digits = name.dropLast(fileExtension.count)
        guard digits.count == 20, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }

    enum HeaderCheck: Equatable {
        case valid
        /// Shorter than a header, or all zeros: a segment created by a crash-interrupted rollover.
        case blank
        case invalid(String)
    }

    static func check(_ bytes: [UInt8], expectedBase: UInt64) -> HeaderCheck {
        guard bytes.count >= headerSize else { return .blank }
        if bytes.prefix(headerSize).allSatisfy({ $0 == 0 }) { return .blank }
        return bytes.withUnsafeBytes { raw -> HeaderCheck in
            let m = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            let v = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            let b = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            if m != magic { return .invalid("not a spool segment (bad magic)") }
            if v != version { return .invalid("unsupported segment version \(v)") }
            if b != expectedBase { return .invalid("header says base offset \(b), file name says \(expectedBase)") }
            return .valid
        }
    }
}
