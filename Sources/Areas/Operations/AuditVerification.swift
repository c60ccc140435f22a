public import ClientPostgres
import Operations

/// `admin audit verify`: walks `operations_audit` in id order and checks every row's chain link and
/// hash. Public so the CLI can run it without a hub.
public enum AuditVerification {
    public struct Report: Sendable {
        /// Rows that verified before the first bad one (all of them when `problem` is nil).
        public let verified: Int
        /// The first row that does not match, in words that name it.
        public let problem: String?
        public let badRowID: Int64?
    }

    public static func run(database: PostgresClient) async throws -> Report {
        let (count, problem) = try await AuditLog(database: database).verify()
        return Report(verified: count, problem: problem?.description, badRowID: problem?.id)
    }
}
