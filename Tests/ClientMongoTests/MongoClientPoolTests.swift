import ClientMongo
import LogModel
import TestSupport
import XCTest

/// Against a real server (SecantusDB locally): each test gets its own database, dropped afterwards.
final class MongoClientPoolTests: XCTestCase {
    private var pool: MongoClientPool!
    private var database = ""

    override func setUp() async throws {
        let uri = try StandIns.requireMongoDB()
        pool = try MongoClientPool(uri: uri, threads: 2)
        database = StandIns.uniqueName("clientmongo")
    }

    override func tearDown() async throws {
        if let pool {
            try? await pool.dropDatabase(database)
            await pool.shutdown()
        }
        pool = nil
    }

    private func documents(_ ids: [String]) throws -> [BSONDocument] {
        try ids.map { id in
            try BSONDocument(["@timestamp": "2026-11-25T10:05:00.123Z", "message": .string("event \(id)")], id: .string(id),
                             datePaths: ["@timestamp"])
        }
    }

    func testPingAnswersWhenTheServerIsUp() async throws {
        try await pool.ping()
    }

    func testInsertManyWithDuplicatesReportsExactlyTheDuplicateIndexes() async throws {
        let first = await pool.insertMany(database: database, collection: "logs", documents: try documents(["a", "b", "c"]))
        XCTAssertEqual(first.insertedCount, 3)
        XCTAssertNil(first.batchError)

        let second = await pool.insertMany(database: database, collection: "logs",
                                           documents: try documents(["x", "a", "y", "c", "z", "x"]))
        XCTAssertNil(second.batchError, "duplicates are per-document errors, not a failed batch")
        XCTAssertEqual(second.duplicateIndexes, [1, 3, 5])
        XCTAssertEqual(second.insertedCount, 3)
        XCTAssertEqual(second.writeErrors.count, 3, "every duplicate is listed, not just the first")
        XCTAssertTrue(second.writeConcernErrors.isEmpty)
        let total = try await pool.count(database: database, collection: "logs")
        XCTAssertEqual(total, 6)
    }

    func testOneUnsendableDocumentIsReportedAloneAndTheOthersAreInserted() async throws {
        var batch = try documents(["ok-1"])
        batch.append(try BSONDocument(["": "empty key"], id: "bad"))
        batch.append(contentsOf: try documents(["ok-2"]))
        let result = await pool.insertMany(database: database, collection: "logs", documents: batch)
        XCTAssertEqual(result.invalidDocuments.map(\.index), [1])
        XCTAssertEqual(result.insertedCount, 2)
        XCTAssertNil(result.batchError)
        let ids = try await pool.find(database: database, collection: "logs", sort: ["_id": 1]).compactMap { $0["_id"]?.stringValue }
        XCTAssertEqual(ids, ["ok-1", "ok-2"])
    }

    func testTTLIndexIsCreatedOnAFieldStoredAsBSONDate() async throws {
        _ = await pool.insertMany(database: database, collection: "logs", documents: try documents(["a", "b"]))
        try await pool.createIndexes(database: database, collection: "logs", indexes: [
            MongoIndex(name: "ttl", keys: [.init("@timestamp", 1)], expireAfterSeconds: 86_400),
            MongoIndex(keys: [.init("service.name", 1), .init("@timestamp", -1)]),
            MongoIndex(keys: [.init("trace.id", 1)], sparse: true),
        ])
        let indexes = try await pool.listIndexes(database: database, collection: "logs")
        let ttl = try XCTUnwrap(indexes.first { $0["name"] == "ttl" })
        XCTAssertEqual(ttl["expireAfterSeconds"], 86_400)
        XCTAssertEqual(indexes.first { $0["name"] == "trace.id_1" }?["sparse"], true)
        XCTAssertNotNil(indexes.first { $0["name"] == "service.name_1_@timestamp_-1" })
        // TTL only expires BSON dates: every stored @timestamp must be one.
        let dates = try await pool.count(database: database, collection: "logs", filter: ["@timestamp": ["$type": "date"]])
        XCTAssertEqual(dates, 2)
    }

    func testFindComparesDatesSortsAndLimits() async throws {
        let batch = try (0..<5).map { i in
            try BSONDocument(["@timestamp": .string("2026-11-25T10:0\(i):00.000Z"), "n": .int(Int64(i))],
                             id: .string("e\(i)"), datePaths: ["@timestamp"])
        }
        _ = await pool.insertMany(database: database, collection: "logs", documents: batch)
        let found = try await pool.find(database: database, collection: "logs",
                                        filter: ["@timestamp": ["$gte": ["$date": "2026-11-25T10:02:00Z"]]],
                                        sort: ["@timestamp": -1], limit: 2)
        XCTAssertEqual(found.map { $0["n"] }, [4, 3])
        XCTAssertEqual(found.first?["@timestamp"], "2026-11-25T10:04:00.000Z")
        let projected = try await pool.find(database: database, collection: "logs", filter: ["_id": "e1"],
                                            projection: ["_id": 0, "n": 1])
        XCTAssertEqual(projected, [["n": 1]])
    }

    func testFailedCommandCarriesTheServerCode() async throws {
        do {
            try await pool.command(database: database, command: ["definitelyNotACommand": 1])
            XCTFail("an unknown command must fail")
        } catch {
            XCTAssertEqual(error.domain, MongoError.Domain.server)
            XCTAssertEqual(error.code, 59, "CommandNotFound")
            XCTAssertFalse(error.isTransient)
        }
    }

    func testAggregateRunsAPipeline() async throws {
        _ = await pool.insertMany(database: database, collection: "logs", documents: try documents(["a", "b", "c"]))
        let groups = try await pool.aggregate(database: database, collection: "logs", pipeline: [
            ["$group": ["_id": nil, "n": ["$sum": 1]]],
        ])
        XCTAssertEqual(groups.first?["n"], 3)
    }

    func testConcurrentInsertsFromManyTasksAllLand() async throws {
        let pool = try XCTUnwrap(pool)
        let database = database
        try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<16 {
                group.addTask {
                    let docs = try (0..<25).map { i in
                        try BSONDocument(["n": .int(Int64(i))], id: .string("t\(task)-\(i)"))
                    }
                    return await pool.insertMany(database: database, collection: "logs", documents: docs).insertedCount
                }
            }
            var inserted = 0
            for try await n in group { inserted += n }
            XCTAssertEqual(inserted, 400)
        }
        let count = try await pool.count(database: database, collection: "logs")
        XCTAssertEqual(count, 400)
    }

    func testUnreachableServerFailsQuicklyWithATransientBatchError() async throws {
        let down = try MongoClientPool(uri: "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=300&connectTimeoutMS=300")
        let started = ContinuousClock.now
        let result = await down.insertMany(database: database, collection: "logs", documents: try documents(["a"]))
        let elapsed = ContinuousClock.now - started
        await down.shutdown()
        let error = try XCTUnwrap(result.batchError)
        XCTAssertTrue(error.isTransient, "\(error)")
        XCTAssertLessThan(elapsed, .seconds(5))
    }

    func testInvalidURIIsRefusedWithoutRepeatingThePassword() {
        XCTAssertThrowsError(try MongoClientPool(uri: "mongodb://admin:hunter2-secret@127.0.0.1:27017/?w=banana&unknownThing")) {
            let message = "\($0)"
            XCTAssertFalse(message.contains("hunter2-secret"), message)
        }
        XCTAssertThrowsError(try MongoClientPool(uri: "http://admin:hunter2-secret@127.0.0.1")) {
            let message = "\($0)"
            XCTAssertFalse(message.contains("hunter2-secret"), message)
            XCTAssertTrue(message.contains("mongodb://"), "the message says what a URI looks like: \(message)")
        }
    }

    func testOperationsAfterShutdownFailWithPoolClosed() async throws {
        await pool.shutdown()
        do {
            try await pool.ping()
            XCTFail("a closed pool must refuse work")
        } catch {
            XCTAssertEqual(error.code, MongoError.WrapperCode.poolClosed)
        }
    }
}
