import Foundation
/// A Sentry DSN (protocols.md 1.1): `{PROTOCOL}://{PUBLIC_KEY}[:{SECRET}]@{HOST}{PATH}/{PROJECT_ID}`
/// → `POST {PROTOCOL}://{HOST}{PATH}/api/{PROJECT_ID}/envelope/` with `sentry_key`.
public struct SentryDSN: Sendable, Equatable, Hashable {
    public let endpoint: String
    public let publicKey: String
    public let secretKey: String?
    public let projectID: String

    public init?(_ text: String) {
        let t = text.trimmingCharactersInSpaces()
        guard let schemeEnd = t.range(of: "://") else { return nil }
        let scheme = String(t[..<schemeEnd.lowerBound])
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = t[schemeEnd.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return nil }
        let credentials = rest[..<at].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let key = credentials.first, !key.isEmpty else { return nil }
        var hostAndPath = String(rest[rest.index(after: at)...])
        while hostAndPath.hasSuffix("/") { hostAndPath.removeLast() }
        guard let slash = hostAndPath.lastIndex(of: "/") else { return nil }
        let project = String(hostAndPath[hostAndPath.index(after: slash)...])
        let prefix = String(hostAndPath[..<slash])
        guard !project.isEmpty, !prefix.isEmpty, project.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        publicKey = String(key)
        secretKey = credentials.count > 1 && !credentials[1].isEmpty ? String(credentials[1]) : nil
        projectID = project
        endpoint = "\(scheme)://\(prefix)/api/\(project)/envelope/"
    }

    /// The `X-Sentry-Auth` header (protocols.md 1.2).
    public var authHeader: String {
        var value = "Sentry sentry_version=7, sentry_client=admin-hub/1.0, sentry_key=\(publicKey)"
        if let secretKey { value += ", sentry_secret=\(secretKey)" }
        return value
    }
}
