import ClientMongo
import LogModel
import Sinks
import SinkMongoDB
import TestSupport
import XCTest

/// The sink against a real server (SecantusDB locally); each test has its own database.
final class MongoSinkTests: XCTestCase {
    private var sink: MongoSink!
    private var database = ""

    override func setUp() async throws {
        let uri = try StandIns.requireMongoDB()
        database = StandIns.uniqueName("sinkmongo")
        sink = try MongoSink(configuration: MongoSinkConfiguration(uri: uri, database: database))
    }

    override func tearDown() async throws {
        if let sink {
            try? await sink.client.dropDatabase(database)
            await sink.shutdown()
        }
        sink = nil
    }

    private func event(_ id: String, message: String = "payment failed for shop 42", ms: Int64 = 1_795_601_100_123) -> SpooledEvent {
        let json = """
        {"@timestamp":"\(RFC3339.string(fromMilliseconds: ms))",\
        "event":{"id":"\(id)","ingested":"2026-11-25T10:05:00.201Z","dataset":"core"},\
        "log":{"level":"error","logger":"billing.views"},"service":{"name":"core","environment":"production"},\
        "host":{"name":"core-web-3"},"message":"\(message)","trace":{"id":"4bf92f3577b34da6a3ce929d0e0e4736"},\
        "http":{"request":{"id":"r-9f2"}},"error":{"type":"ValueError","message":"card declined","stack_trace":"Traceback ..."},\
        "labels":{"shop_id":"42"},"attributes":{"order":{"items":3}}}
        """
        return SpooledEvent(id: id, timestampMillis: ms, json: Array(json.utf8))
    }

    func testStoresTheContractShapeWithTheEventIdAsIdAndRealDates() async throws {
        try await sink.prepare()
        let id = "01936f3e-7c1a-7c3e-9b1e-2f4d5a6b7c8d"
        let report = await sink.deliver([event(id)])
        XCTAssertEqual(report.items, [.stored])

        let stored = try await sink.client.find(database: database, collection: "logs", filter: ["_id": .string(id)])
        XCTAssertEqual(stored.count, 1)
        let document = try XCTUnwrap(stored.first?.objectValue)
        XCTAssertEqual(document.keys.first, "_id")
        XCTAssertEqual(document["@timestamp"], "2026-11-25T10:05:00.123Z")
        XCTAssertEqual(document["event"]?["id"], .string(id))
        XCTAssertEqual(document["service"]?["name"], "core")
        XCTAssertEqual(document["labels"]?["shop_id"], "42")
        XCTAssertEqual(document["attributes"]?["order"]?["items"], 3)
        for field in ["@timestamp", "event.ingested"] {
            let dates = try await sink.client.count(database: database, collection: "logs", filter: [field: ["$type": "date"]])
            XCTAssertEqual(dates, 1, "\(field) must be stored as a BSON date")
        }
    }

    func testTheSameBatchDeliveredTwiceIsStoredOnce() async throws {
        try await sink.prepare()
        let batch = (0..<5).map { event("evt-\($0)") }
        let first = await sink.deliver(batch)
        XCTAssertEqual(first.items, Array(repeating: .stored, count: 5))
        let second = await sink.deliver(batch)
        XCTAssertEqual(second.items, Array(repeating: .alreadyStored, count: 5))
        let count = try await sink.client.count(database: database, collection: "logs")
        XCTAssertEqual(count, 5)
    }

    func testUnparseableEventIsRejectedAloneAndTheOthersAreStored() async throws {
        let broken = SpooledEvent(id: "broken", timestampMillis: 0, json: Array("{\"message\": ".utf8))
        let notObject = SpooledEvent(id: "array", timestampMillis: 0, json: Array("[1,2]".utf8))
        let report = await sink.deliver([event("good-1"), broken, notObject, event("good-2")])
        XCTAssertEqual(report.items[0], .stored)
        XCTAssertEqual(report.items[3], .stored)
        for index in [1, 2] {
            guard case .reject(let reason) = report.items[index] else { return XCTFail("item \(index): \(report.items[index])") }
            XCTAssertTrue(reason.hasPrefix("invalid_json"), reason)
        }
    }

    func testEventWithoutTimestampGetsTheSpooledTimeAsADate() async throws {
        let report = await sink.deliver([SpooledEvent(id: "no-ts", timestampMillis: 1_795_601_100_000, json: Array("{\"message\":\"x\"}".utf8))])
        XCTAssertEqual(report.items, [.stored])
        let stored = try await sink.client.find(database: database, collection: "logs", filter: ["_id": "no-ts"])
        XCTAssertEqual(stored.first?["@timestamp"], "2026-11-25T10:05:00.000Z")
    }

    func testPrepareCreatesTheQueryIndexesAndFollowsRetentionChanges() async throws {
        let uri = try StandIns.requireMongoDB()
        try await sink.prepare()
        var names = Set(try await sink.client.listIndexes(database: database, collection: "logs").compactMap { $0["name"]?.stringValue })
        for index in MongoSinkIndexes.query { XCTAssertTrue(names.contains(index.name), "missing \(index.name)") }
        XCTAssertFalse(names.contains(MongoSinkIndexes.ttlName), "no retention configured, no TTL")

        for days in [30, 7] {
            let retained = try MongoSink(configuration: MongoSinkConfiguration(uri: uri, database: database, retentionDays: days))
            try await retained.prepare()
            let ttl = try await retained.client.listIndexes(database: database, collection: "logs")
                .first { $0["name"]?.stringValue == MongoSinkIndexes.ttlName }
            XCTAssertEqual(ttl?["expireAfterSeconds"], .int(Int64(days) * 86_400))
            XCTAssertEqual(ttl?["key"], ["@timestamp": 1])
            await retained.shutdown()
        }

        try await sink.prepare()
        names = Set(try await sink.client.listIndexes(database: database, collection: "logs").compactMap { $0["name"]?.stringValue })
        XCTAssertFalse(names.contains(MongoSinkIndexes.ttlName), "retention turned off drops the TTL index")
    }

    func testInvalidURIIsANonRetriableSinkError() {
        XCTAssertThrowsError(try MongoSink(configuration: MongoSinkConfiguration(uri: "mongo://nowhere"))) {
            XCTAssertEqual(($0 as? SinkError)?.kind, .configuration)
        }
    }
}
