/// Errors of the identity area, each saying what to change.
public enum IdentityError: Error, Sendable, CustomStringConvertible {
    case invalidServiceName(String)
    case unexpectedDatabaseAnswer(String)

    public var description: String {
        switch self {
        case .invalidServiceName(let name):
            return "invalid service name '\(name)': use 1-64 characters of a-z, 0-9, '-', '_' or '.'"
        case .unexpectedDatabaseAnswer(let what):
            return "unexpected answer from PostgreSQL: \(what)"
        }
    }
}
