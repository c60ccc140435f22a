import ClientPostgres
import Foundation
import Logging
import Synchronization

/// Ingest tokens in PostgreSQL, with an in-memory cache so that the intake path never waits on
/// the database: a PostgreSQL hiccup must not turn into refused logs.
///
/// The cache maps digests (never secrets) to tokens and is reloaded every `refreshInterval`;
/// a revocation therefore takes effect within that interval on every hub node. A digest that is
/// not in the cache is looked up once and remembered as unknown until the next reload, so a flood
/// of forged tokens costs one query per reload, not one per request.
public final class IngestTokenStore: Sendable {
    private let database: PostgresClient
    private let logger: Logger
    public let refreshInterval: Duration

    private struct Cache {
        var byDigest: [String: IngestToken] = [:]
        var unknownDigests: Set<String> = []
        var loadedAt: ContinuousClock.Instant?
    }
    private let cache = Mutex(Cache())

    /// What each token shipped, counted on the intake path and written by the identity module's service.
    public let usage = IngestTokenUsage()

    public init(database: PostgresClient, refreshInterval: Duration = .seconds(5), logger: Logger) {
        self.database = database
        self.refreshInterval = refreshInterval
        self.logger = logger
    }

    // MARK: Administration (CLI, operator API)

    /// Creates a token and returns it with its secret. The secret is shown once and never stored.
    public func create(service: String, scopes: [TokenScope] = [.ingest], description: String = "") async throws -> (token: IngestToken, secret: String) {
        try Self.validateServiceName(service)
        let secret = TokenSecret.generate()
        let rows = try await database.query(
            """
            INSERT INTO ingest_tokens (service, scopes, description, token_prefix, token_digest)
            VALUES ($1, string_to_array($2, ','), $3, $4, $5)
            RETURNING \(Self.columns)
            """,
            [service, scopes.map(\.rawValue).joined(separator: ","), description, TokenSecret.displayPrefix(secret), TokenSecret.digest(secret)]
        )
        guard let row = rows.first, let token = try Self.token(from: row) else {
            throw IdentityError.unexpectedDatabaseAnswer("INSERT INTO ingest_tokens returned no row")
        }
        cache.withLock { $0.unknownDigests.removeAll() }
        return (token, secret)
    }

    public func list(includeRevoked: Bool = true) async throws -> [IngestToken] {
        let rows = try await database.query(
            "SELECT \(Self.columns) FROM ingest_tokens \(includeRevoked ? "" : "WHERE revoked_at IS NULL ") ORDER BY id", [])
        return try rows.compactMap(Self.token(from:))
    }

    /// Revokes by id; returns the token, or nil when there is no such token.
    @discardableResult
    public func revoke(id: Int64) async throws -> IngestToken? {
        let rows = try await database.query(
            "UPDATE ingest_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING \(Self.columns)",
            [String(id)])
        guard let row = rows.first, let token = try Self.token(from: row) else { return nil }
        cache.withLock { cache in
            for (digest, cached) in cache.byDigest where cached.id == id { cache.byDigest[digest] = token }
        }
        return token
    }

    // MARK: Verification (intake path)

    /// Checks a presented secret. Answers from the cache; consults the database only for a digest
    /// it has not seen since the last reload.
    public func verify(secret: String) async -> TokenVerdict {
        guard secret.hasPrefix(TokenSecret.prefix), secret.utf8.count <= 128 else { return .unknown }
        let digest = TokenSecret.digest(secret)
        enum Cached { case hit(IngestToken), knownUnknown, miss }
        let cached: Cached = cache.withLock { cache in
            if let token = cache.byDigest[digest] { return .hit(token) }
            return cache.unknownDigests.contains(digest) ? .knownUnknown : .miss
        }
        switch cached {
        case .hit(let token): return token.isRevoked ? .revoked(token) : .valid(token)
        case .knownUnknown: return .unknown
        case .miss: break
        }
        do {
            let rows = try await database.query("SELECT \(Self.columns) FROM ingest_tokens WHERE token_digest = $1", [digest])
            guard let row = rows.first, let token = try Self.token(from: row) else {
                cache.withLock { cache in
                    if cache.unknownDigests.count > 10_000 { cache.unknownDigests.removeAll() }
                    cache.unknownDigests.insert(digest)
                }
                return .unknown
            }
            cache.withLock { $0.byDigest[digest] = token }
            return token.isRevoked ? .revoked(token) : .valid(token)
        } catch {
            logger.warning("token lookup failed; answering 503 until PostgreSQL is back (cached tokens keep working)",
                           metadata: ["error": "\(error)"])
            return .unavailable
        }
    }

    /// Reloads every token. Called periodically by `run()`; safe to call any time.
    public func reload() async throws {
        let rows = try await database.query("SELECT \(Self.columns), token_digest FROM ingest_tokens", [])
        var byDigest: [String: IngestToken] = [:]
        for row in rows {
            guard let token = try Self.token(from: row), let digest = try row.string("token_digest") else { continue }
            byDigest[digest] = token
        }
        cache.withLock { cache in
            cache.byDigest = byDigest
            cache.unknownDigests.removeAll()
            cache.loadedAt = .now
        }
    }

    /// Keeps the cache fresh until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            do { try await reload() } catch {
                logger.warning("could not reload ingest tokens; keeping the cached ones", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: refreshInterval)
        }
    }

    // MARK: Rows

    static let columns = "id, service, array_to_string(scopes, ',') AS scopes, description, token_prefix, " +
        "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at, " +
        "to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS revoked_at"

    static func token(from row: PostgresRow) throws -> IngestToken? {
        guard let idText = try row.string("id"), let id = Int64(idText), let service = try row.string("service") else { return nil }
        return IngestToken(
            id: id, service: service,
            scopes: (try row.string("scopes") ?? "").split(separator: ",").map(String.init),
            description: try row.string("description") ?? "", prefix: try row.string("token_prefix") ?? "",
            createdAt: try row.string("created_at") ?? "", revokedAt: try row.string("revoked_at"))
    }

    /// Service names become `service.name` and index values: keep them short and plain.
    public static func validateServiceName(_ name: String) throws(IdentityError) {
        let allowed = name.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x5F || c == 0x2E
        }
        guard !name.isEmpty, name.utf8.count <= 64, allowed else {
            throw .invalidServiceName(name)
        }
    }
}
