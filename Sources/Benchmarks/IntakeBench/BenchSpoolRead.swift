import Foundation
import LogModel
import Logging
import Spool

/// `intake-bench read`: what a best-effort reader (alerting, the live tail) pays per record to get
/// records out of the spool and find their layout, each record read once as `[SpoolRecord]` (an
/// array each) and once into a `SpoolBatch` (one buffer per read), alternated in one run. The spool
/// is written first, into a temporary directory (so the page cache holds it, as under a burst).
enum BenchSpoolRead {
    /// The readers' reads (`AlertEvaluator.readRecords`, `readBytes`, the live tail's batch); try others
    /// with BENCH_READ_RECORDS and BENCH_READ_BYTES (alerting read 20,000 records / 16 MB at once before).
    static let batchRecords = ProcessInfo.processInfo.environment["BENCH_READ_RECORDS"].flatMap { Int($0) } ?? 1_500
    static let batchBytes = ProcessInfo.processInfo.environment["BENCH_READ_BYTES"].flatMap { Int($0) } ?? 1 << 20

    static func run(records: [[UInt8]], copies: Int, passes: Int) async {
        let directory = NSTemporaryDirectory() + "intake-bench-read-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ways = (0..<passes).flatMap { ["records\($0)", "batch\($0)"] }
        do {
            let spool = try Spool(configuration: SpoolConfiguration(directory: directory, maxBytes: 4 << 30), sinks: ways,
                                  logger: Logger(label: "intake-bench") { _ in SwiftLogNoOpLogHandler() })
            defer { spool.close() }
            for _ in 0..<copies { _ = try await spool.append(records) }
            var totals: [String: (seconds: Double, records: Int)] = [:]
            for way in ways {
                let reader = try spool.reader(for: way)
                let start = ContinuousClock.now
                let (count, levels) = way.hasPrefix("batch") ? try await readBatches(reader) : try await readRecords(reader)
                let seconds = (ContinuousClock.now - start) / .seconds(1)
                let kind = way.hasPrefix("batch") ? "batch" : "records"
                totals[kind, default: (0, 0)].seconds += seconds
                totals[kind, default: (0, 0)].records += count
                print("\(way): records=\(count) warning_or_above=\(levels) ns_per_record=\(String(format: "%.1f", seconds * 1e9 / Double(count)))")
            }
            for kind in ["records", "batch"] {
                guard let total = totals[kind] else { continue }
                print("\(kind) total: ns_per_record=\(String(format: "%.1f", total.seconds * 1e9 / Double(total.records)))")
            }
        } catch {
            fail("the spool failed: \(error)")
        }
    }

    /// As the readers did before `SpoolBatch`: an array per record.
    private static func readRecords(_ reader: SpoolReader) async throws -> (Int, Int) {
        var count = 0, levels = 0
        while true {
            let records = try await reader.read(maxRecords: batchRecords, maxBytes: batchBytes, wait: .zero)
            if records.isEmpty { return (count, levels) }
            for record in records {
                guard let layout = try? SpooledEvent.layout(of: record.payload) else { continue }
                if (layout.level ?? .info) >= .warning { levels += 1 }
                count += 1
            }
        }
    }

    private static func readBatches(_ reader: SpoolReader) async throws -> (Int, Int) {
        var count = 0, levels = 0
        var batch = SpoolBatch()
        while true {
            try await reader.read(into: &batch, maxRecords: batchRecords, maxBytes: batchBytes, wait: .zero)
            if batch.isEmpty { return (count, levels) }
            batch.withRecords { records in
                for record in records {
                    guard let layout = try? SpooledEvent.layout(of: record.payload) else { continue }
                    if (layout.level ?? .info) >= .warning { levels += 1 }
                    count += 1
                }
            }
        }
    }
}
