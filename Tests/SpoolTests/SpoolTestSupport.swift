import Foundation
import Logging
import Spool
import Synchronization
import XCTest

/// A fresh directory under the system temp dir, removed when the test ends.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "spool-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// Log lines captured for assertions (the spool promises to log what recovery dropped).
final class LogRecorder: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let entries = Mutex<[Entry]>([])

    var logger: Logger {
        Logger(label: "spool-test") { _ in RecordingHandler(recorder: self) }
    }

    var all: [Entry] { entries.withLock { $0 } }

    fileprivate func record(_ entry: Entry) { entries.withLock { $0.append(entry) } }
}

private struct RecordingHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var flat = [String: String]()
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { flat[key] = "\(value)" }
        recorder.record(.init(level: event.level, message: "\(event.message)", metadata: flat))
    }
}

let quietLogger = Logger(label: "spool-test") { _ in SwiftLogNoOpLogHandler() }

/// A payload that says which call and which record it belongs to, padded to `size` bytes.
func payload(call: Int, index: Int, size: Int = 450) -> [UInt8] {
    var bytes = Array("c\(call)-r\(index)|".utf8)
    while bytes.count < size { bytes.append(UInt8(ascii: "a") + UInt8(bytes.count % 26)) }
    return bytes
}

func segmentFiles(_ directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory + "/segments").filter { $0.hasSuffix(".seg") }.sorted()
}

func bytesOnDisk(_ directory: String) throws -> Int {
    try segmentFiles(directory).reduce(0) { total, name in
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/segments/" + name)
        return total + ((attributes[.size] as? NSNumber)?.intValue ?? 0)
    }
}

/// Reads everything currently committed for `reader` (without waiting at the end).
func readAll(_ reader: SpoolReader, batch: Int = 1000) async throws -> [SpoolRecord] {
    var out = [SpoolRecord]()
    while true {
        let records = try await reader.read(maxRecords: batch, maxBytes: 1 << 20, wait: .zero)
        if records.isEmpty { return out }
        out += records
    }
}

/// Everything `reader` has, read through one `SpoolBatch` refilled for each read, as records.
func readAllBatched(_ reader: SpoolReader, batch size: Int = 1000, maxBytes: Int = 1 << 20) async throws -> [SpoolRecord] {
    var out = [SpoolRecord]()
    var batch = SpoolBatch()
    while true {
        try await reader.read(into: &batch, maxRecords: size, maxBytes: maxBytes, wait: .zero)
        if batch.isEmpty { return out }
        out += (0..<batch.count).map(batch.record(at:))
    }
}
