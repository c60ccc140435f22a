import Foundation
import XCTest

/// Where the integration tests find the stand-in servers (standins.md): the project's test command
/// starts them and exports their addresses; a test whose server is not configured is skipped with
/// a message saying which variable to set, so `swift test` alone still passes on a bare machine.
public enum StandIns {
    /// `ADMIN_TEST_MONGODB_URI`, e.g. `mongodb://127.0.0.1:27017/?serverSelectionTimeoutMS=2000` (SecantusDB).
    public static let mongoDBVariable = "ADMIN_TEST_MONGODB_URI"
    /// `ADMIN_TEST_ELASTICSEARCH_URL`, e.g. `http://127.0.0.1:9200` (osmem-server).
    public static let elasticsearchVariable = "ADMIN_TEST_ELASTICSEARCH_URL"
    /// `ADMIN_TEST_DATABASE_URL`, e.g. `postgresql://postgres:pw@127.0.0.1:5432/postgres` (a throw-away cluster).
    public static let postgresVariable = "ADMIN_TEST_DATABASE_URL"

    public static var mongoDBURI: String? { value(of: mongoDBVariable) }
    public static var elasticsearchURL: String? { value(of: elasticsearchVariable) }
    public static var postgresURL: String? { value(of: postgresVariable) }

    /// The MongoDB URI, or an `XCTSkip` naming the variable to set.
    public static func requireMongoDB() throws -> String {
        try require(mongoDBVariable, "a MongoDB server (SecantusDB: secantusd-py --port P --storage-path DIR)")
    }

    /// The Elasticsearch/OpenSearch URL, or an `XCTSkip` naming the variable to set.
    public static func requireElasticsearch() throws -> String {
        try require(elasticsearchVariable, "an Elasticsearch/OpenSearch server (osmem-server -addr 127.0.0.1:P)")
    }

    /// The PostgreSQL URL, or an `XCTSkip` naming the variable to set.
    public static func requirePostgres() throws -> String {
        try require(postgresVariable, "a PostgreSQL server (initdb + pg_ctl start)")
    }

    /// A name no other test run uses (`prefix_1a2b3c4d5e6f`): give each test its own database,
    /// collection, index or table so tests never see each other's data. Safe for MongoDB database
    /// names (no `.`, `$`, `/`, under 64 bytes), Elasticsearch index names and SQL identifiers.
    public static func uniqueName(_ prefix: String) -> String {
        let suffix = (0..<12).map { _ in String(UInt8.random(in: 0...15), radix: 16) }.joined()
        return "\(prefix.lowercased().prefix(40))_\(suffix)"
    }

    /// Adds (or replaces) a query option of a `mongodb://` or `postgresql://` URL, e.g. a short
    /// `serverSelectionTimeoutMS` for a test that expects the server to be down.
    public static func url(_ url: String, setting option: String, to value: String) -> String {
        let parts = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var options = parts.count > 1
            ? parts[1].split(separator: "&").map(String.init).filter {
                !$0.lowercased().hasPrefix(option.lowercased() + "=")
            }
            : []
        options.append("\(option)=\(value)")
        var base = String(parts[0])
        // mongodb://host?x=1 is invalid for libmongoc: options follow a '/'.
        if base.hasPrefix("mongodb"), let schemeEnd = base.firstRange(of: "://"),
           !base[schemeEnd.upperBound...].contains("/") {
            base += "/"
        }
        return base + "?" + options.joined(separator: "&")
    }

    private static func value(of variable: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else { return nil }
        return value
    }

    private static func require(_ variable: String, _ what: String) throws -> String {
        guard let value = value(of: variable) else {
            throw XCTSkip("\(variable) is not set: this test needs \(what); the project's test script starts one and sets it")
        }
        return value
    }
}
