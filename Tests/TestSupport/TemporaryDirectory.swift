import Foundation

/// A fresh directory under the system temp dir, removed by `remove()` (call it in tearDown).
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "datamp-test") throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        path = "\(base)/\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
