import Foundation
import Hummingbird

/// The ingest token as Elasticsearch clients send credentials: Basic auth with the token as the
/// password (any user name), `ApiKey` (the token, or base64 of `id:token` as Elasticsearch's own
/// API keys are sent), or `Bearer`.
enum ElasticsearchCredentials {
    static func token(from request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let value = String(parts[1]).trimmingCharacters(in: .whitespaces)
        switch parts[0].lowercased() {
        case "bearer":
            return value
        case "basic":
            guard let decoded = decodeBase64(value), let colon = decoded.firstIndex(of: ":") else { return nil }
            return String(decoded[decoded.index(after: colon)...])
        case "apikey":
            if value.hasPrefix("dmp_") { return value }
            guard let decoded = decodeBase64(value) else { return value }
            if let colon = decoded.firstIndex(of: ":") { return String(decoded[decoded.index(after: colon)...]) }
            return decoded
        default:
            return nil
        }
    }

    private static func decodeBase64(_ text: String) -> String? {
        guard let data = Data(base64Encoded: text) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
