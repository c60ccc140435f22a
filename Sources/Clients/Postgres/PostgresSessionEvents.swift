internal import CLibPQ
internal import Logging
internal import Synchronization

/// Receives what the server says outside any statement's result, for one connection slot.
///
/// libpq treats an ErrorResponse that arrives while the connection is idle as a *notice*: that is how
/// the server's "FATAL 57P01 terminating connection due to administrator command" (restart,
/// `pg_terminate_backend`) reaches us. Recording it lets the slot know the session ended before the
/// next statement was read, so sending that statement again on a new session is safe.
final class PostgresSessionEvents: Sendable {
    private static let logger = Logger(label: "datamp.postgres.notice")
    private let serverEndedSession = Atomic(false)

    /// True once since the last `reset()` if the server announced it was ending the session.
    var sessionEndedByServer: Bool { serverEndedSession.load(ordering: .acquiring) }

    func reset() { serverEndedSession.store(false, ordering: .releasing) }

    /// Installs the receiver on `connection`; `self` must outlive the connection (the slot owns both).
    func install(on connection: OpaquePointer) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = PQsetNoticeReceiver(connection, { arg, result in
            guard let arg, let result else { return }
            Unmanaged<PostgresSessionEvents>.fromOpaque(arg).takeUnretainedValue().received(result)
        }, context)
    }

    private func received(_ result: OpaquePointer) {
        func field(_ code: Int32) -> String? { PQresultErrorField(result, code).map { String(cString: $0) } }
        let severity = field(CLIBPQ_DIAG_SEVERITY_NONLOCALIZED) ?? ""
        let sqlState = field(CLIBPQ_DIAG_SQLSTATE) ?? ""
        if severity == "FATAL" || severity == "PANIC" || sqlState.hasPrefix("57P") {
            serverEndedSession.store(true, ordering: .releasing)
        }
        // NOTICE/WARNING lines (libpq would print them to stderr) are kept for debugging only.
        if Self.logger.logLevel <= .debug {
            let message = field(CLIBPQ_DIAG_MESSAGE_PRIMARY) ?? ""
            Self.logger.debug("\(severity) \(sqlState) \(message)")
        }
    }
}
