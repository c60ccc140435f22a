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

        let letters = try await store.list(DeadLetterFilter(sink: "mongodb"))
        XCTAssertEqual(letters.count, 1)
        XCTAssertEqual(letters.first?.eventBytes, bytes)
        XCTAssertEqual(letters.first?.eventID, "spool-offset-4242")
        XCTAssertEqual(letters.first?.timestampMillis, 1_764_000_000_123)

        let directory = try makeDirectory()
        let spool = try Spool(configuration: SpoolConfiguration(directory: directory), sinks: ["mongodb"], logger: logger)
        defer { spool.close() }
        let replayed = try await store.replay(ids: nil, filter: DeadLetterFilter(sink: "mongodb"), into: spool)
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
            VALUES ('elasticsearch', 'old-1', 'mapper_parsing_exception', 3, 1764000000000, '{"message":"héllo"}'),
                   ('mongodb', 'old-2', 'invalid document', 1, 1764000000000, '{"service":{"name":"gate"},"message":"x"}')
            """)
        try await PipelineTestDatabase.migrate(database, versions: 3...Int.max)

        let letters = try await DeadLetterStore(database: database, logger: logger).list(DeadLetterFilter(sink: "elasticsearch"))
        XCTAssertEqual(letters.map(\.eventID), ["old-1"])
        let gate = try await DeadLetterStore(database: database, logger: logger).list(DeadLetterFilter(service: "gate"))
        XCTAssertEqual(gate.map(\.eventID), ["old-2"], "the service is read out of rows written before it had a column")
        XCTAssertEqual(letters.first?.eventBytes, Array(#"{"message":"héllo"}"#.utf8))
        XCTAssertEqual(letters.first?.attempts, 3)
    }

    private func makeDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "pipeline-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testFiltersAndDiscarding() async throws {
        let (database, drop) = try await PipelineTestDatabase.create()
        dropDatabase = drop
        let store = DeadLetterStore(database: database, logger: logger)
        for (n, (sink, service, reason)) in [("mongodb", "core", "invalid document: empty key"), ("elasticsearch", "core", "mapper_parsing_exception"),
                                             ("elasticsearch", "gate", "mapper_parsing_exception 100%_sure")].enumerated() {
            let json = Array(#"{"service":{"name":"\#(service)"},"message":"m\#(n)"}"#.utf8)
            try await store.add(sink: sink, event: SpooledEvent(id: "e\(n)", timestampMillis: 0, json: json), reason: reason, attempts: 1)
        }
        let value1 = try await store.list(DeadLetterFilter(service: "core"))
        XCTAssertEqual(value1.map(\.eventID).sorted(), ["e0", "e1"])
        let value2 = try await store.list(DeadLetterFilter(reason: "MAPPER"))
        XCTAssertEqual(value2.count, 2, "reason is a case-insensitive substring")
        let value3 = try await store.list(DeadLetterFilter(reason: "100%_"))
        XCTAssertEqual(value3.map(\.eventID), ["e2"], "% and _ are literal")
        let value4 = try await store.list(DeadLetterFilter(since: Date().addingTimeInterval(3600)))
        XCTAssertEqual(value4.count, 0)

        let discarded = try await store.discard(ids: nil, filter: DeadLetterFilter(sink: "elasticsearch", service: "core"),
                                                reason: "mapping fixed by hand", by: "ann@example.com")
        XCTAssertEqual(discarded.count, 1)
        let value5 = try await store.list(DeadLetterFilter())
        XCTAssertEqual(value5.map(\.eventID).sorted(), ["e0", "e2"], "discarded letters leave the pending list")
        let gone = try await store.list(DeadLetterFilter(state: .discarded))
        XCTAssertEqual(gone.first?.discardedBy, "ann@example.com")
        XCTAssertEqual(gone.first?.discardReason, "mapping fixed by hand")
        let value6 = try await store.countPending()
        XCTAssertEqual(value6, ["mongodb": 1, "elasticsearch": 1])
        let again = try await store.discard(ids: discarded, reason: "twice", by: "bob@example.com")
        XCTAssertEqual(again, [], "a discarded letter is not discarded again")
    }
}
