import ClientHTTP
import Foundation
import LogModel
import Synchronization
import TestSupport
import XCTest
import ClientMongo

/// `kill -9` under load: every event that got a 202 is in both stores exactly once afterwards.
final class CrashTests: HubTestCase {
    func testKill9UnderLoadLosesNoAcknowledgedEvent() async throws {
        let hub = try await startHub()
        let token = try createToken()
        let tally = Tally()
        let batchSize = 50

        // Two writers post batches with client ids until the hub dies under them.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    for batch in 0..<400 {
                        let prefix = "crash-\(writer)-\(batch)"
                        let body = Self.ndjson(batchSize, idPrefix: prefix)
                        tally.sent.withLock { $0 += batchSize }
                        guard let response = try? await Self.post(hub, body: body, token: token) else { return }
                        guard response.status == 202 else { return }
                        let ids = (0..<batchSize).map { "\(prefix)-\($0)" }
                        tally.acknowledged.withLock { $0.formUnion(ids) }
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(1500))
                hub.kill9()
            }
            try await group.waitForAll()
        }
        let acked = tally.acknowledged.withLock { $0 }
        XCTAssertGreaterThan(acked.count, 0, "some requests must have been acknowledged before the kill")
        let sentCount = tally.sent.withLock { $0 }

        let restarted = try await restart(hub)
        _ = restarted
        let pool = try mongoPool()
        // Events in flight at the kill may or may not have been stored; acknowledged ones must be.
        try await eventually(timeout: .seconds(120), "every acknowledged event in MongoDB") {
            try await mongoCount(pool) >= acked.count
        }
        try await eventually(timeout: .seconds(120), "every acknowledged event in Elasticsearch") {
            try await elasticsearchCount() >= acked.count
        }
        try await Task.sleep(for: .seconds(2))
        let stored = try await pool.find(database: mongoDatabase, collection: "logs", filter: [:], limit: sentCount + 10)
        let mongoIDs = stored.compactMap { $0["_id"]?.stringValue }
        XCTAssertEqual(mongoIDs.count, Set(mongoIDs).count, "no event twice in MongoDB")
        XCTAssertTrue(acked.isSubset(of: Set(mongoIDs)), "missing in MongoDB: \(acked.subtracting(mongoIDs).prefix(5))")

        let esTotal = try await elasticsearchCount()
        XCTAssertEqual(esTotal, mongoIDs.count, "Elasticsearch holds exactly the same events, once each")
        for sample in acked.shuffled().prefix(20) {
            let n = try await elasticsearchCount(query: ["term": ["event.id": .string(sample)]])
            XCTAssertEqual(n, 1, "\(sample) must be in Elasticsearch exactly once")
        }
    }
}

/// What the writers saw, shared between their tasks.
private final class Tally: Sendable {
    let acknowledged = Mutex<Set<String>>([])
    let sent = Mutex<Int>(0)
}
