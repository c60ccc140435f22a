#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The key under which login attempts from one client are counted.
enum ClientAddress {
    /// An IPv4 address as it is; an IPv6 address cut to its /64 (one host usually owns a whole /64,
    /// so counting single IPv6 addresses would give it 2^64 fresh counters); anything else as given.
    static func throttleKey(_ address: String) -> String {
        let text = address.trimmingWhitespace()
        var bytes = [UInt8](repeating: 0, count: 16)
        guard text.contains(":"), inet_pton(AF_INET6, text, &bytes) == 1 else { return String(text.prefix(64)) }
        // A dual-stack socket shows IPv4 clients as ::ffff:a.b.c.d; those are single IPv4 hosts.
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return bytes[12..<16].map(String.init).joined(separator: ".")
        }
        for index in 8..<16 { bytes[index] = 0 }
        var output = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, bytes, &output, socklen_t(output.count)) != nil else { return String(text.prefix(64)) }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/64"
    }
}
