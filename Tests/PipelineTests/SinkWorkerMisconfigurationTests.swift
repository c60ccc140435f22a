import ClientHTTP
import ClientPostgres
import Foundation
import LogModel
import Logging
import Pipeline
import SinkElasticsearch
import Sinks
import Spool
import TestSupport
import XCTest

/// A worker in front of a recording Elasticsearch that refuses the credentials: the hub must show
/// `misconfigured` (an operator must act), not a transient `retrying`.
final class SinkWorkerMisconfigurationTests: XCTestCase {
    private static let elasticsearch8Root = #"{"name":"es-1","cluster_name":"c","version":{"number":"8.13.4","build_flavor":"default"},"tagline":"You Know, for Search"}"#
    private static let unauthorized = #"{"error":{"type":"security_exception","reason":"unable to authenticate user [ingest]"},"status":401}"#
    private let logger = Logger(label: "pipeline-test") { _ in SwiftLogNoOpLogHandler() }

    private func stateOfAWorker(against handler: @escaping RecordingHTTPServer.Handler) async throws -> SinkStatus {
        let server = try await RecordingHTTPServer.start(handler: handler)
        let client = try HTTPClient()
        let directory = NSTemporaryDirectory() + "pipeline-worker-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let spool = try Spool(configuration: SpoolConfiguration(directory: directory), sinks: [ElasticsearchSink.sinkName], logger: logger)
        defer {
            spool.close()
            client.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let event = SpooledEvent(id: "e1", timestampMillis: 1_764_000_000_000, json: Array(#"{"@timestamp":"2025-11-24T16:00:00Z","message":"m"}"#.utf8))
        _ = try await spool.append([event.encoded()])

        let sink = ElasticsearchSink(configuration: ElasticsearchSinkConfiguration(urls: [server.baseURL], requestTimeout: .seconds(5)),
                                     client: client, logger: logger)
        // Never reached: nothing is dead-lettered in these tests.
        let database = try PostgresClient(url: "postgresql://127.0.0.1:1/unused", poolSize: 1, logger: logger)
        let worker = SinkWorker(
            sink: sink, reader: try spool.reader(for: sink.name), deadLetters: DeadLetterStore(database: database, logger: logger),
            configuration: DeliveryConfiguration(batchMaxWait: .milliseconds(50), retry: RetryPolicy(initial: .milliseconds(10), maximum: .milliseconds(50))),
            logger: logger)
        let running = Task { try await worker.run() }
        let deadline = ContinuousClock.now + .seconds(10)
        while worker.currentStatus.state != .misconfigured, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        running.cancel()
        _ = await running.result
        await server.stop()
        await database.shutdown()
        return worker.currentStatus
    }

    func testCredentialsRefusedWhilePreparingShowMisconfigured() async throws {
        let status = try await stateOfAWorker { _ in .json(Self.unauthorized, status: 401) }
        XCTAssertEqual(status.state, .misconfigured)
        XCTAssertTrue(status.lastError?.contains("refused the credentials") == true, status.lastError ?? "")
    }

    func testCredentialsRefusedForTheBulkRequestShowMisconfigured() async throws {
        let status = try await stateOfAWorker { request in
            switch request.path {
            case "/": .json(Self.elasticsearch8Root, headers: ["X-Elastic-Product": "Elasticsearch"])
            case "/_bulk": .json(Self.unauthorized, status: 401, headers: ["X-Elastic-Product": "Elasticsearch"])
            default: .json(#"{"acknowledged":true}"#, headers: ["X-Elastic-Product": "Elasticsearch"])
            }
        }
        XCTAssertEqual(status.state, .misconfigured)
        XCTAssertTrue(status.lastError?.contains("refused the credentials") == true, status.lastError ?? "")
    }
}
