import ClientPostgres
import TestSupport
import XCTest

/// Against a real PostgreSQL server: each test works in its own table, dropped afterwards.
final class PostgresClientTests: XCTestCase {
    private var client: PostgresClient!
    private var url = ""
    private var table = ""

    override func setUp() async throws {
        url = try StandIns.requirePostgres()
        client = try PostgresClient(url: url, poolSize: 3)
        table = StandIns.uniqueName("pgtest")
        try await client.execute("CREATE TABLE \(table) (id bigint PRIMARY KEY, name text UNIQUE, note text, active boolean)")
    }

    override func tearDown() async throws {
        if let client {
            _ = try? await client.execute("DROP TABLE IF EXISTS \(table)")
            await client.shutdown()
        }
        client = nil
    }

    func testParametersAreBoundAsTextNeverAsSQL() async throws {
        let hostile = "x'); DROP TABLE \(table); --"
        try await client.execute("INSERT INTO \(table) (id, name, active) VALUES ($1, $2, $3)", ["1", hostile, "true"])
        try await client.execute("INSERT INTO \(table) (id, name, active) VALUES ($1, $2, $3)", ["2", "Zürich 北京 🚀", "f"])
        let rows = try await client.query("SELECT id, name, active FROM \(table) ORDER BY id")
        XCTAssertEqual(rows.columns, ["id", "name", "active"])
        XCTAssertEqual(try rows.map { try $0.int("id") }, [1, 2])
        XCTAssertEqual(try rows[0].string("name"), hostile)
        XCTAssertEqual(try rows[1].string("name"), "Zürich 北京 🚀")
        XCTAssertEqual(try rows.map { try $0.bool("active") }, [true, false])
    }

    func testNullParametersAreStoredAsNullAndReadBackAsNil() async throws {
        try await client.execute("INSERT INTO \(table) (id, name, note) VALUES ($1, $2, $3)", ["1", nil, nil])
        let rows = try await client.query("SELECT name, note, active, 0.5::float8 AS half FROM \(table)")
        let row = try XCTUnwrap(rows.first)
        XCTAssertNil(try row.string("name"))
        XCTAssertNil(try row.bool("active"))
        XCTAssertEqual(try row.double("half"), 0.5)
    }

    func testExecuteReportsRowsAffected() async throws {
        for id in 1...3 { try await client.execute("INSERT INTO \(table) (id) VALUES ($1)", [String(id)]) }
        let updated = try await client.execute("UPDATE \(table) SET note = $1 WHERE id >= $2", ["n", "2"])
        XCTAssertEqual(updated, 2)
    }

    func testUniqueViolationIsDetectedWithItsConstraint() async throws {
        try await client.execute("INSERT INTO \(table) (id, name) VALUES (1, 'same')")
        do {
            try await client.execute("INSERT INTO \(table) (id, name) VALUES (2, 'same')")
            XCTFail("a duplicate name must be refused")
        } catch {
            XCTAssertTrue(error.isUniqueViolation, "\(error)")
            XCTAssertEqual(error.sqlState, "23505")
            XCTAssertEqual(error.constraint, "\(table)_name_key")
            XCTAssertFalse(error.isTransient)
        }
    }

    func testTransactionCommitsWhenTheBodySucceeds() async throws {
        let count = try await client.transaction { connection in
            try await connection.execute("INSERT INTO \(table) (id) VALUES (1), (2)")
            return try await connection.query("SELECT count(*) AS n FROM \(table)")[0].int("n")
        }
        XCTAssertEqual(count, 2)
        let stored = try await client.query("SELECT count(*) AS n FROM \(table)")
        XCTAssertEqual(try stored[0].int("n"), 2)
    }

    func testTransactionRollsBackEverythingWhenTheBodyThrows() async throws {
        struct Abort: Error {}
        do {
            _ = try await client.transaction { connection in
                try await connection.execute("INSERT INTO \(table) (id) VALUES (1)")
                throw Abort()
            }
            XCTFail("the body's error must come through")
        } catch is Abort {}
        do {
            _ = try await client.transaction { connection in
                try await connection.execute("INSERT INTO \(table) (id) VALUES (2)")
                try await connection.execute("INSERT INTO \(table) (id) VALUES (2)")  // duplicate key
            }
            XCTFail("the duplicate must fail the transaction")
        } catch let error as PostgresError {
            XCTAssertTrue(error.isUniqueViolation)
        }
        let stored = try await client.query("SELECT count(*) AS n FROM \(table)")
        XCTAssertEqual(try stored[0].int("n"), 0)
        // The connection is clean for the next user (no aborted transaction left behind).
        try await client.ping()
    }

    func testReconnectsAfterTheServerEndsTheSession() async throws {
        let single = try PostgresClient(url: url, poolSize: 1)
        defer { Task { await single.shutdown() } }
        let before = try await single.query("SELECT pg_backend_pid() AS pid")[0].int("pid")
        let terminated = try await client.query("SELECT pg_terminate_backend($1::int) AS ok", [before.map(String.init)])
        XCTAssertEqual(try terminated[0].bool("ok"), true)
        // Let the backend exit, as it would during a server restart.
        try await Task.sleep(for: .milliseconds(200))
        let after = try await single.query("SELECT pg_backend_pid() AS pid")[0].int("pid")
        XCTAssertNotNil(after)
        XCTAssertNotEqual(after, before, "a new session replaced the terminated one without an error")
        await single.shutdown()
    }

    func testConcurrentQueriesFromManyTasksShareTheConnections() async throws {
        let client = try XCTUnwrap(client)
        let results = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
            for i in 0..<40 {
                group.addTask {
                    let row = try await client.query("SELECT $1::int * 2 AS doubled, pg_backend_pid() AS pid, pg_sleep(0.01) AS slept",
                                                     [String(i)])[0]
                    return (i, try row.int("doubled") ?? -1, try row.int("pid") ?? -1)
                }
            }
            var all: [(Int, Int, Int)] = []
            for try await result in group { all.append(result) }
            return all
        }
        XCTAssertEqual(results.count, 40)
        for (i, doubled, _) in results { XCTAssertEqual(doubled, i * 2) }
        XCTAssertLessThanOrEqual(Set(results.map(\.2)).count, 3, "never more sessions than the pool size")
    }

    func testReadingAColumnTheQueryDidNotReturnIsAnError() async throws {
        let row = try await client.query("SELECT 1 AS one")[0]
        XCTAssertThrowsError(try row.int("two"))
        let text = try await client.query("SELECT 'x' AS t")[0]
        XCTAssertThrowsError(try text.int("t"))
    }

    func testUnreachableServerIsATransientErrorThatNeverShowsThePassword() async throws {
        let down = try PostgresClient(url: "postgresql://app:pw-3f9c1e@127.0.0.1:1/app?connect_timeout=2", poolSize: 1)
        do {
            try await down.ping()
            XCTFail("nothing listens on port 1")
        } catch {
            XCTAssertEqual(error.kind, .connection)
            XCTAssertTrue(error.isTransient)
            XCTAssertFalse("\(error)".contains("pw-3f9c1e"), "\(error)")
        }
        await down.shutdown()
        XCTAssertThrowsError(try PostgresClient(url: "postgresql://app:pw-3f9c1e@127.0.0.1:5432/app?nonsense=1")) {
            XCTAssertFalse("\($0)".contains("pw-3f9c1e"), "\($0)")
            XCTAssertEqual(($0 as? PostgresError)?.kind, .invalidConfiguration)
        }
    }

    func testTextWithANulCharacterIsRefusedBeforeSending() async throws {
        do {
            _ = try await client.query("SELECT $1::text", ["a\u{0}b"])
            XCTFail("PostgreSQL text cannot hold NUL")
        } catch {
            XCTAssertEqual(error.kind, .invalidInput)
        }
    }
}
