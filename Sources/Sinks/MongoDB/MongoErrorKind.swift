public import ClientMongo
public import Sinks

/// Which MongoDB failures only an operator can fix (a wrong password, a user without the `insert`
/// or `createIndex` privilege, a server too old for the driver) and which pass by themselves.
public enum MongoErrorKind {
    /// Server codes (mongo/base/error_codes.yml): Unauthorized, AuthenticationFailed,
    /// IncompatibleServerVersion, and Atlas' user-facing authentication error.
    static let configurationServerCodes: Set<UInt32> = [13, 18, 285, 8000]
    /// mongoc-error.h: MONGOC_ERROR_CLIENT_AUTHENTICATE (domain client).
    static let clientAuthenticate: UInt32 = 11
    /// mongoc-error.h: MONGOC_ERROR_PROTOCOL_BAD_WIRE_VERSION (domain protocol): the server's wire
    /// version is outside what this libmongoc speaks.
    static let badWireVersion: UInt32 = 15

    public static func of(_ error: MongoError) -> SinkErrorKind {
        switch error.domain {
        case MongoError.Domain.scram:
            return .configuration
        case MongoError.Domain.client where error.code == clientAuthenticate:
            return .configuration
        case MongoError.Domain.protocol where error.code == badWireVersion:
            return .configuration
        case MongoError.Domain.wrapper where error.code == MongoError.WrapperCode.invalidURI:
            return .configuration
        case MongoError.Domain.server, MongoError.Domain.query, MongoError.Domain.command:
            if configurationServerCodes.contains(error.code) { return .configuration }
        default:
            break
        }
        return error.isTransient ? .transient : .configuration
    }
}
