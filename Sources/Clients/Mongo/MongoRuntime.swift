internal import CMongoC
internal import Logging

/// libmongoc's process-wide set-up: `mongoc_init()` must run once before any other call
/// (protocols.md 4.1), and its log lines go through swift-log instead of straight to stderr.
/// A Swift global is initialised lazily and exactly once, thread-safely.
enum MongoRuntime {
    private static let initialised: Bool = {
        mongoc_init()
        // libmongoc's default handler prints even debug lines (server monitoring chatter) to stderr.
        mongoc_log_set_handler({ level, domain, message, _ in
            MongoRuntime.forward(level: level, domain: domain, message: message)
        }, nil)
        // mongoc_cleanup() is deliberately never called: pools may live until exit, and the OS
        // reclaims everything then; calling it while any pool exists is undefined behaviour.
        return true
    }()

    static func ensureInitialised() { _ = initialised }

    private static let logger = Logger(label: "datamp.mongoc")

    private static func forward(level: mongoc_log_level_t, domain: UnsafePointer<CChar>?, message: UnsafePointer<CChar>?) {
        let swiftLevel: Logger.Level
        switch level {
        case MONGOC_LOG_LEVEL_ERROR, MONGOC_LOG_LEVEL_CRITICAL: swiftLevel = .error
        case MONGOC_LOG_LEVEL_WARNING: swiftLevel = .warning
        case MONGOC_LOG_LEVEL_MESSAGE, MONGOC_LOG_LEVEL_INFO: swiftLevel = .info
        case MONGOC_LOG_LEVEL_DEBUG: swiftLevel = .debug
        default: swiftLevel = .trace
        }
        guard logger.logLevel <= swiftLevel else { return }
        let text = message.map { String(cString: $0) } ?? ""
        logger.log(level: swiftLevel, "\(text)", metadata: ["mongoc.domain": .string(domain.map { String(cString: $0) } ?? "")])
    }
}
