public import Hummingbird

/// Reads `Authorization: Bearer <token>`; nil when absent or of another scheme.
public enum BearerToken {
    public static func from(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }
}
