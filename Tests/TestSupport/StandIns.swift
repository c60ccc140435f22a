import Foundation
import XCTest

/// The one place tests find the stand-in servers and tools (standins.md): the project's test command
/// starts them and exports their addresses. A test whose server is not configured is skipped with a
/// message saying which variable to set, so `swift test` alone still passes on a bare machine; under
/// `CI=true` it FAILS instead, so a broken test set-up can never turn into quietly passing tests.
public enum StandIns {
    /// `ADMIN_TEST_MONGODB_URI`, e.g. `mongodb://127.0.0.1:27017/?serverSelectionTimeoutMS=2000` (SecantusDB).
    public static let mongoDBVariable = "ADMIN_TEST_MONGODB_URI"
    /// `ADMIN_TEST_ELASTICSEARCH_URL`, e.g. `http://127.0.0.1:9200` (osmem-server).
    public static let elasticsearchVariable = "ADMIN_TEST_ELASTICSEARCH_URL"
    /// `ADMIN_TEST_DATABASE_URL`, e.g. `postgresql://postgres:pw@127.0.0.1:5432/postgres` (a throw-away cluster).
    public static let postgresVariable = "ADMIN_TEST_DATABASE_URL"

    /// `ADMIN_TEST_SECANTUSD`: the SecantusDB executable for tests that start and kill a server of their own.
    public static let secantusVariable = "ADMIN_TEST_SECANTUSD"

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

    /// The SecantusDB executable: `ADMIN_TEST_SECANTUSD`, else the project's `.venv/bin/secantusd-py`;
    /// an `XCTSkip` (a failure under CI) when neither exists.
    public static func requireSecantus() throws -> String {
        if let path = value(of: secantusVariable) { return path }
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(".venv/bin/secantusd-py").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw missing("\(secantusVariable) is not set and no .venv/bin/secantusd-py exists: this test starts its own SecantusDB")
    }

    /// True when the tests run in CI (`CI=true`), where a missing stand-in is a failure, not a skip.
    public static var isCI: Bool {
        ["true", "1", "yes"].contains((ProcessInfo.processInfo.environment["CI"] ?? "").lowercased())
    }

    /// An `XCTSkip` on a developer's machine; under `CI=true` an error that fails the test.
    public static func missing(_ message: String) -> any Error {
        isCI ? StandInMissing(message: message + " (CI=true: a missing stand-in fails the run)") : XCTSkip(message)
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
            throw missing("\(variable) is not set: this test needs \(what); the project's test script starts one and sets it")
        }
        return value
    }
}

/// A stand-in the test needs is not configured, under `CI=true`.
public struct StandInMissing: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
