internal import CMongoC
public import Logging
internal import LogModel
internal import NIOPosix
internal import Secrets
internal import Synchronization

/// A pool of MongoDB connections (`mongoc_client_pool_t`) with async operations.
///
/// Guarantees:
/// - libmongoc's blocking calls run on this pool's own threads, never on the caller's or an event loop.
/// - Each operation pops one client, uses it, destroys its collections/cursors and pushes it back
///   before returning; a client is never shared between threads or cached across operations.
/// - There are never more threads than `maxPoolSize`, so a pop never waits for a client that another
///   of our own waiting threads holds (mongo-swift-driver's deadlock: pool 4, threads 2, 4 cursors).
/// - Error API version 2 is set before the first pop: every server error has domain
///   `MongoError.Domain.server` and the server's code.
///
/// Call `shutdown()` before dropping the last reference; operations after it throw `poolClosed`.
public final class MongoClientPool: Sendable {
    /// The URI with its password replaced by `***`, for logs and messages.
    public let redactedURI: String
    /// MongoDB's own document size limit; larger documents are refused before sending.
    public static let maxDocumentBytes = 16 * 1024 * 1024

    let logger: Logger
    private let handle: MongoPoolHandle
    private let password: String?
    private let threadPool: NIOThreadPool
    private let state = Mutex<State>(.open)

    private enum State { case open, closing, closed }

    /// Opens a pool for `uri` (libmongoc connects lazily, on the first operation).
    /// - Parameters:
    ///   - uri: a `mongodb://` or `mongodb+srv://` connection string; its options (`w`, `journal`,
    ///     `serverSelectionTimeoutMS`, `maxPoolSize`, TLS, ...) apply to every operation.
    ///   - appName: shown in the server's logs and profiler, unless the URI sets `appname` itself.
    ///   - threads: how many blocking MongoDB calls may run at once (capped at `maxPoolSize`).
    public init(uri: String, appName: String = "datamp-admin", threads: Int = 4,
                logger: Logger = Logger(label: "datamp.mongo")) throws(MongoError) {
        MongoRuntime.ensureInitialised()
        let redactedURI = CredentialRedaction.redactCredentials(in: uri)
        self.redactedURI = redactedURI
        self.logger = logger

        var error = bson_error_t()
        guard let parsed = mongoc_uri_new_with_error(uri, &error) else {
            let reason = CredentialRedaction.redact(secret: CredentialRedaction.password(in: uri), in: MongoError(error).message)
            throw .invalidURI("\(reason) in \(redactedURI)")
        }
        defer { mongoc_uri_destroy(parsed) }
        password = mongoc_uri_get_password(parsed).map { String(cString: $0) }
        if mongoc_uri_get_appname(parsed) == nil { _ = mongoc_uri_set_appname(parsed, appName) }
        let maxPoolSize = Int(mongoc_uri_get_option_as_int32(parsed, "maxpoolsize", 100))

        guard let pool = mongoc_client_pool_new_with_error(parsed, &error) else {
            throw MongoError(domain: MongoError.Domain.wrapper, code: MongoError.WrapperCode.invalidURI,
                             message: CredentialRedaction.redact(secret: password, in: MongoError(error).message))
        }
        // Must precede the first pop (protocols.md 4.1); it can only fail if called too late.
        _ = cmongoc_client_pool_use_error_api_v2(pool)
        handle = MongoPoolHandle(pointer: pool)

        let threadCount = max(1, min(threads, maxPoolSize))
        threadPool = NIOThreadPool(numberOfThreads: threadCount)
        threadPool.start()
        logger.debug("MongoDB client pool opened", metadata: [
            "mongodb.uri": "\(redactedURI)", "mongodb.threads": "\(threadCount)", "mongodb.max_pool_size": "\(maxPoolSize)",
        ])
    }

    deinit {
        // Operations hold `self` until they finish, so none can be running here.
        let wasOpen = state.withLock { $0 != .closed }
        if wasOpen {
            threadPool.shutdownGracefully { _ in }
            mongoc_client_pool_destroy(handle.pointer)
        }
    }

    /// Stops the threads (operations already running finish, queued ones fail with `poolClosed`)
    /// and closes every connection. Idempotent.
    public func shutdown() async {
        let shouldClose = state.withLock { state -> Bool in
            guard state == .open else { return false }
            state = .closing
            return true
        }
        guard shouldClose else { return }
        try? await threadPool.shutdownGracefully()
        mongoc_client_pool_destroy(handle.pointer)
        state.withLock { $0 = .closed }
    }

    /// Runs `body` on a pool thread with a client popped for it, and pushes the client back after.
    /// `body` must destroy every collection, database and cursor it creates before returning.
    func withClient<T: Sendable>(
        _ body: @escaping @Sendable (OpaquePointer) throws(MongoError) -> T
    ) async throws(MongoError) -> T {
        guard state.withLock({ $0 == .open }) else { throw .poolClosed }
        let pool = handle
        do {
            return try await threadPool.runIfActive { () throws(MongoError) -> T in
                // With waitQueueTimeoutMS in the URI, pop returns NULL when no client frees up in time.
                guard let client = mongoc_client_pool_pop(pool.pointer) else { throw .noClientAvailable }
                defer { mongoc_client_pool_push(pool.pointer, client) }
                return try body(client)
            }
        } catch let error as MongoError {
            throw scrubbed(error)
        } catch {
            throw .poolClosed
        }
    }

    /// Makes sure no message carries the URI's password (libmongoc may echo connection details).
    func scrubbed(_ error: MongoError) -> MongoError {
        guard let password, error.message.contains(password) else { return error }
        var copy = error
        copy.message = CredentialRedaction.redact(secret: password, in: error.message)
        return copy
    }
}
