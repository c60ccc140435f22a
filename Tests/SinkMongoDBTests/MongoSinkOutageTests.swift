import ClientMongo
import LogModel
import Sinks
import SinkMongoDB
import TestSupport
import XCTest

/// The server goes away and comes back: the sink must answer "retry" quickly while it is gone and
/// store again once it is back, without a restart of the sink. Runs its own SecantusDB.
final class MongoSinkOutageTests: XCTestCase {
    func testStoppedServerGivesRetryQuicklyAndWorksAgainOnceItIsBack() async throws {
        let executable = try StandIns.requireSecantus()
        let server = try SecantusProcess(executable: executable)
        try server.start()
        var uri = StandIns.url(server.uri, setting: "serverSelectionTimeoutMS", to: "500")
        uri = StandIns.url(uri, setting: "connectTimeoutMS", to: "500")
        // journal=true: "stored" must survive the kill -9 below.
        uri = StandIns.url(uri, setting: "journal", to: "true")
        let sink = try MongoSink(configuration: MongoSinkConfiguration(uri: uri, database: "outage"))
        try await sink.prepare()
        func event(_ id: String) -> SpooledEvent {
            SpooledEvent(id: id, timestampMillis: 1_795_601_100_000,
                         json: Array("{\"@timestamp\":\"2026-11-25T10:05:00.000Z\",\"message\":\"\(id)\"}".utf8))
        }
        let before = await sink.deliver([event("a")])
        XCTAssertEqual(before.items, [.stored])

        server.stop()
        let started = ContinuousClock.now
        let during = await sink.deliver([event("b"), event("c")])
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5), "a down server must not hold the sink for long")
        for item in during.items {
            guard case .retry = item else { return XCTFail("expected retry while the server is down, got \(item)") }
        }

        try server.start()
        var after = DeliveryReport(items: [])
        // The pool rediscovers the server on its own schedule (heartbeat); give it a few tries.
        for _ in 0..<40 {
            after = await sink.deliver([event("b"), event("c")])
            if after.items.allSatisfy(\.isDelivered) { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        XCTAssertEqual(after.items, [.stored, .stored])
        let count = try await sink.client.count(database: "outage", collection: "logs")
        XCTAssertEqual(count, 3)
        await sink.shutdown()
        server.stop()
    }
}
