import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A SecantusDB process of the test's own, so the test can take MongoDB away and bring it back.
final class MongoStandIn: @unchecked Sendable {
    // @unchecked: driven by one test at a time.
    let port = freeLocalPort()
    let storage: String
    private var process: Process?

    init(storage: String) throws {
        self.storage = storage
        try FileManager.default.createDirectory(atPath: storage, withIntermediateDirectories: true)
    }

    static func executable() throws -> String { try StandIns.requireSecantus() }

    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.executable())
        process.arguments = ["--host", "127.0.0.1", "--port", String(port), "--storage-path", storage]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if Self.accepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HubProcessError.notReady(log: "SecantusDB did not listen on \(port)")
    }

    func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    deinit { stop() }
}
