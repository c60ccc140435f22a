import Foundation
import Intake
import Logging
import Pipeline
import Spool
import Transforms
import XCTest

/// An `IngestService` over a fresh spool (one sink, `mongodb`) in a temporary directory that is closed
/// and removed after the test. The spool's records stop at 4,096 bytes while the intake takes events
/// up to 16 MiB, so an event too large is met at the spool's limit.
struct IngestServiceFixture {
    let spool: Spool
    let service: IngestService

    init(_ test: XCTestCase) throws {
        let directory = NSTemporaryDirectory() + "pipeline-ingest-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Logger(label: "pipeline-test") { _ in SwiftLogNoOpLogHandler() }
        let spool = try Spool(configuration: SpoolConfiguration(directory: directory, maxRecordBytes: 4096), sinks: ["mongodb"], logger: logger)
        test.addTeardownBlock { spool.close() }  // runs before the removal (teardown blocks run last-added first)
        self.spool = spool
        service = IngestService(spool: spool, normalizer: EventNormalizer(), limits: IngestLimits(maxEventBytes: 16 << 20), logger: logger)
    }
}
