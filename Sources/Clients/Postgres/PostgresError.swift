/// A PostgreSQL failure with what a person needs to fix it; never carries the password.
///
/// Server errors keep their SQLSTATE (`23505` unique violation, `40001` serialization failure, ...),
/// primary message, detail and constraint. Connection failures have no SQLSTATE unless the server sent
/// one (`57P01` when an administrator ended the session, `28P01` bad password).
public struct PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The connection could not be opened or broke; the statement may not have run.
        case connection
        /// The server refused the statement (see `sqlState`).
        case server
        /// The URL or conninfo string cannot be parsed.
        case invalidConfiguration
        /// A result was read as something it is not (missing column, a non-integer read as Int).
        case decoding
        /// A parameter PostgreSQL cannot take (a NUL character in text).
        case invalidInput
        /// The client was shut down, or the waiting task was cancelled.
        case closed
    }

    public var kind: Kind
    /// The five-character SQLSTATE code, when the server reported one.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    /// The violated constraint's name (unique, foreign key, check), when there is one.
    public var constraint: String?

    public init(kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, constraint: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraint = constraint
    }

    /// SQLSTATE 23505: a row with this unique key exists already (idempotency keys rely on it).
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// True when the same statement may succeed later unchanged: connection failures, an
    /// administrator ending the session or the server shutting down (57P0x), serialization failures
    /// and deadlocks (40001, 40P01), too many connections (53300), and server-side lost connections (08xxx).
    public var isTransient: Bool {
        if kind == .connection { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") || ["40001", "40P01", "53300", "53400"].contains(sqlState)
    }

    public var description: String {
        var text = "PostgreSQL"
        if let sqlState { text += " \(sqlState)" }
        text += ": \(message)"
        if let detail, !detail.isEmpty { text += " (\(detail))" }
        return text
    }

    static let closed = PostgresError(kind: .closed, message: "the PostgreSQL client has been shut down")
}
