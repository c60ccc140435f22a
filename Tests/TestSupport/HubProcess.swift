import Foundation
#if canImport(Glibc)
import Glibc
import ClientHTTP
#endif

/// Runs the real `admin` binary as a child process, the way operators and CI run it, so tests can
/// `kill -9` it and start it again on the same data directory.
public final class HubProcess: @unchecked Sendable {
    // @unchecked: `process` is only touched by the test that owns this object, one call at a time.
    public let port: Int
    public let environment: [String: String]
    public let logPath: String
    private var process: Process?

    public init(environment: [String: String], logPath: String) {
        let port = freeLocalPort()
        self.port = port
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        // Last, so a restart built from an earlier hub's environment gets its own port.
        env["ADMIN_LISTEN"] = "127.0.0.1:\(port)"
        self.environment = env
        self.logPath = logPath
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var pid: Int32? { process?.processIdentifier }

    /// Starts `admin serve`; returns once `/healthz` answers (or throws with the log's tail).
    public func start(timeout: Duration = .seconds(60)) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: adminBinaryPath())
        process.arguments = ["serve"]
        process.environment = environment
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                throw HubProcessError.exited(status: process.terminationStatus, log: tailOfLog())
            }
            if let status = try? await httpStatus(of: "\(baseURL)/healthz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HubProcessError.notReady(log: tailOfLog())
    }

    /// SIGKILL: no flush, no goodbye; what the spool promised must survive this.
    public func kill9() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait: the graceful path.
    public func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    public var isRunning: Bool { process?.isRunning ?? false }

    public func tailOfLog(_ bytes: Int = 4000) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

public enum HubProcessError: Error, CustomStringConvertible {
    case exited(status: Int32, log: String)
    case notReady(log: String)
    case commandFailed(command: String, status: Int32, output: String)

    public var description: String {
        switch self {
        case .exited(let status, let log): return "admin exited with status \(status):\n\(log)"
        case .notReady(let log): return "admin did not become healthy in time:\n\(log)"
        case .commandFailed(let command, let status, let output): return "`\(command)` exited \(status):\n\(output)"
        }
    }
}

/// The `admin` binary built by `swift build` (ADMIN_TEST_BINARY overrides).
public func adminBinaryPath() -> String {
    if let path = ProcessInfo.processInfo.environment["ADMIN_TEST_BINARY"] { return path }
    return packageRoot() + "/.build/debug/admin"
}

/// The repository root, found from this file's location.
public func packageRoot() -> String {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}

/// Runs `admin <arguments>` to completion, stdin closed (as in a script, not a terminal), and returns
/// its stdout; throws with the output on failure.
@discardableResult
public func runAdmin(_ arguments: [String], environment: [String: String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: adminBinaryPath())
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let stdout = Pipe(), stderr = Pipe()
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    let err = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: out, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        throw HubProcessError.commandFailed(command: "admin " + arguments.joined(separator: " "), status: process.terminationStatus,
                                            output: text + String(decoding: err, as: UTF8.self))
    }
    return text
}

/// A port nobody listens on right now (bind to 0, read it back, close).
public func freeLocalPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// The status code of a GET, or nil when nothing answers.
func httpStatus(of url: String) async throws -> Int? {
    try await SharedHTTP.client.execute(.init(method: .get, url: url, timeout: .seconds(2))).status
}
