import ClientPostgres
import Foundation
import LogModel
import Logging
import Pipeline
import Spool
import TestSupport
import XCTest

/// Against a real PostgreSQL: payloads a text column cannot hold must survive dead letters and replay.
final class DeadLetterStoreTests: XCTestCase {
    private let logger = Logger(label: "pipeline-test") { _ in SwiftLogNoOpLogHandler() }
    private var dropDatabase: (() async -> Void)?

    override func tearDown() async throws {
        await dropDatabase?()
    }

    func testAPayloadWithNULBytesAndInvalidUTF8RoundTripsThroughDeadLettersAndReplay() async throws {
        let (database, drop) = try await PipelineTestDatabase.create()
        dropDatabase = drop
        let store = DeadLetterStore(database: database, logger: logger)
        let bytes: [UInt8] = [0x7B, 0x00, 0x22, 0xFF, 0xFE, 0xC3, 0x28, 0x00, 0x00, 0x7D]
        let event = SpooledEvent(id: "spool-offset-4242", timestampMillis: 1_764_000_000_123, json: bytes)

        try await store.add(sink: "mongodb", event: event, reason: "undecodable spool record: a \0 in the reason too", attempts: 0)

        let letters = try await store.list(sink: "mongodb")
        XCTAssertEqual(letters.count, 1)
        XCTAssertEqual(letters.first?.eventBytes, bytes)
        XCTAssertEqual(letters.first?.eventID, "spool-offset-4242")
        XCTAssertEqual(letters.first?.timestampMillis, 1_764_000_000_123)

        let directory = try makeDirectory()
        let spool = try Spool(configuration: SpoolConfiguration(directory: directory), sinks: ["mongodb"], logger: logger)
        defer { spool.close() }
        let replayed = try await store.replay(ids: nil, sink: "mongodb", into: spool)
        XCTAssertEqual(replayed, 1)
        let records = try await spool.reader(for: "mongodb").read(maxRecords: 10, maxBytes: 1 << 20, wait: .zero)
        let requeued = try SpooledEvent(decoding: records[0].payload)
        XCTAssertEqual(requeued.json, bytes, "byte for byte")
        XCTAssertEqual(requeued.target, "mongodb")
        XCTAssertEqual(requeued.id, "spool-offset-4242")
    }

    func testRowsWrittenBeforeTheByteaMigrationSurviveIt() async throws {
        let (database, drop) = try await PipelineTestDatabase.create(through: 2)
        dropDatabase = drop
        _ = try await database.execute(
            """
            INSERT INTO dead_letters (sink, event_id, reason, attempts, timestamp_millis, event_json)
            VALUES ('elasticsearch', 'old-1', 'mapper_parsing_exception', 3, 1764000000000, '{"message":"héllo"}')
            """)
        try await PipelineTestDatabase.migrate(database, versions: 3...Int.max)

        let letters = try await DeadLetterStore(database: database, logger: logger).list()
        XCTAssertEqual(letters.map(\.eventID), ["old-1"])
        XCTAssertEqual(letters.first?.eventBytes, Array(#"{"message":"héllo"}"#.utf8))
        XCTAssertEqual(letters.first?.attempts, 3)
    }

    private func makeDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "pipeline-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}
