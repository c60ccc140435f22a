internal import CMongoC
import LogModel

/// An error from libmongoc, the server, or this wrapper, with what a person needs to act on it.
///
/// `domain` and `code` are libmongoc's (`mongoc_error_domain_t` / `mongoc_error_code_t`; with error API
/// version 2 every server-reported error has domain `server` and the server's own code, e.g. 11000).
/// Errors raised by this wrapper itself use the `wrapper` domain (0), which libmongoc never uses.
public struct MongoError: Error, Sendable, Equatable, CustomStringConvertible {
    public var domain: UInt32
    public var code: UInt32
    public var message: String
    /// Labels the server attached (`RetryableWriteError`, `TransientTransactionError`), when known.
    public var labels: [String]

    public init(domain: UInt32, code: UInt32, message: String, labels: [String] = []) {
        self.domain = domain
        self.code = code
        self.message = message
        self.labels = labels
    }

    /// libmongoc's error domains (mongoc-error.h) plus the wrapper's own.
    public enum Domain {
        public static let wrapper: UInt32 = 0
        public static let client: UInt32 = 1
        public static let stream: UInt32 = 2
        public static let `protocol`: UInt32 = 3
        public static let cursor: UInt32 = 4
        public static let query: UInt32 = 5
        public static let bson: UInt32 = 8
        public static let command: UInt32 = 11
        public static let collection: UInt32 = 12
        public static let scram: UInt32 = 14
        public static let serverSelection: UInt32 = 15
        public static let writeConcern: UInt32 = 16
        public static let server: UInt32 = 17
        public static let pool: UInt32 = 20
    }

    /// Codes of the `wrapper` domain.
    public enum WrapperCode {
        public static let invalidURI: UInt32 = 1
        public static let poolClosed: UInt32 = 2
        public static let noClientAvailable: UInt32 = 3
        public static let invalidDocument: UInt32 = 4
        public static let outOfMemory: UInt32 = 5
    }

    /// Server error codes the hub branches on.
    public enum ServerCode {
        /// DuplicateKey: the document with this `_id` is already stored.
        public static let duplicateKey: UInt32 = 11000
        public static let namespaceNotFound: UInt32 = 26
        public static let indexNotFound: UInt32 = 27
        public static let indexOptionsConflict: UInt32 = 85
        public static let indexKeySpecsConflict: UInt32 = 86
    }

    /// Server codes that mean "the server is changing state or unreachable", not "your request is bad"
    /// (the retryable-writes specification's list: HostUnreachable, NotWritablePrimary, ShutdownInProgress,
    /// PrimarySteppedDown, NetworkTimeout, SocketException, ...), plus WriteConcernFailed.
    private static let transientServerCodes: Set<UInt32> = [
        6, 7, 64, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
    ]

    /// True when trying the same request later can succeed without anyone changing anything:
    /// network and server-selection failures, a primary stepping down, an exhausted pool wait queue,
    /// a write-concern failure, or a reply the server labelled `RetryableWriteError`.
    public var isTransient: Bool {
        switch domain {
        case Domain.stream, Domain.serverSelection, Domain.writeConcern:
            return true
        case Domain.wrapper:
            return code == WrapperCode.noClientAvailable
        case Domain.protocol:
            return true
        default:
            if labels.contains("RetryableWriteError") || labels.contains("TransientTransactionError") { return true }
            return (domain == Domain.server || domain == Domain.query || domain == Domain.command)
                && Self.transientServerCodes.contains(code)
        }
    }

    /// Whether a server error code (a command's or a write error's) means the server or replica set
    /// was changing state rather than that the request was wrong.
    public static func isTransientServerCode(_ code: UInt32) -> Bool { transientServerCodes.contains(code) }

    public var description: String { "MongoDB error \(domain).\(code): \(message)" }

    // MARK: - Constructors used by the wrapper

    static func invalidURI(_ message: String) -> MongoError {
        MongoError(domain: Domain.wrapper, code: WrapperCode.invalidURI,
                   message: "invalid MongoDB URI: \(message) (expected mongodb://[user:password@]host[:port][,host...]/[?options])")
    }

    static let poolClosed = MongoError(domain: Domain.wrapper, code: WrapperCode.poolClosed,
                                       message: "the MongoDB client pool has been shut down")

    static let noClientAvailable = MongoError(
        domain: Domain.wrapper, code: WrapperCode.noClientAvailable,
        message: "no MongoDB connection became free within waitQueueTimeoutMS (raise maxPoolSize or the timeout)")

    static func invalidDocument(_ message: String) -> MongoError {
        MongoError(domain: Domain.wrapper, code: WrapperCode.invalidDocument, message: message)
    }

    /// Copies libmongoc's error (its message is a fixed char array) and, when a reply is at hand,
    /// the server's error labels.
    init(_ error: bson_error_t, reply: OpaquePointer? = nil) {
        var error = error
        let message = withUnsafeBytes(of: &error.message) { raw -> String in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
        var labels: [String] = []
        if let reply, let json = try? BSONReader.object(reply), case .array(let values)? = json["errorLabels"] {
            labels = values.compactMap(\.stringValue)
        }
        self.init(domain: error.domain, code: error.code, message: message, labels: labels)
    }
}
