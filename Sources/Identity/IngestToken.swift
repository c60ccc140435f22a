import Foundation

/// An ingest token as stored: never the secret itself, only its SHA-256 digest and a short prefix
/// that lets a person recognise which token a log line or a list entry talks about.
public struct IngestToken: Sendable, Equatable {
    public var id: Int64
    /// The service the token belongs to; the default `service.name` of events sent with it.
    public var service: String
    public var scopes: [String]
    public var description: String
    /// The first characters of the secret (`dmp_ab12…`), safe to show.
    public var prefix: String
    public var createdAt: String
    public var revokedAt: String?

    public var isRevoked: Bool { revokedAt != nil }

    public func allows(_ scope: TokenScope) -> Bool { scopes.contains(scope.rawValue) }
}

/// What an ingest token may be used for: shipping logs, nothing else. Operators use staff
/// accounts (a session or a personal token) for everything else. Rows written by older builds
/// with an `admin` scope grant nothing beyond ingest.
public enum TokenScope: String, Sendable, CaseIterable {
    case ingest
}

/// The result of checking a presented bearer token.
public enum TokenVerdict: Sendable, Equatable {
    case valid(IngestToken)
    /// Known but revoked: the contract answers 403, not 401.
    case revoked(IngestToken)
    case unknown
    /// Not in the cache and PostgreSQL could not be asked: the contract answers 503 + Retry-After
    /// (`auth_unavailable`), never 401, which shippers take as permanent and drop their logs.
    case unavailable
}
