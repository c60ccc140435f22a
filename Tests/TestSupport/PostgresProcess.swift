import Foundation

/// A PostgreSQL 15 server of the test's own (Debian's binaries under /usr/lib/postgresql/15/bin),
/// for tests that stop the database under a running hub. As root, initdb and the server run as the
/// `postgres` system user, as scripts/standins does.
public final class PostgresProcess: @unchecked Sendable {
    // @unchecked: driven by one test at a time.
    public let port: Int
    public let directory: String
    private static let binaries = "/usr/lib/postgresql/15/bin"

    /// `postgresql://datamp@127.0.0.1:<port>/postgres` (trust authentication on loopback).
    public var url: String { "postgresql://datamp@127.0.0.1:\(port)/postgres" }

    public init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binaries + "/initdb") else {
            throw StandIns.missing("PostgreSQL 15 is not installed (\(Self.binaries)/initdb): run scripts/install-deps")
        }
        port = freeLocalPort()
        directory = "/tmp/datamp-pgtest-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o777])
        try run(Self.binaries + "/initdb", ["-D", directory + "/data", "-U", "datamp", "--auth=trust", "-E", "UTF8", "--no-sync"])
    }

    /// Starts the server and waits until it accepts connections.
    public func start() throws {
        try run(Self.binaries + "/pg_ctl", ["-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "30",
                                            "-o", "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
    }

    /// Stops the server at once (`-m immediate`: like a crash or a network cut, clients just lose it).
    public func stop() throws {
        try run(Self.binaries + "/pg_ctl", ["-D", directory + "/data", "-w", "-m", "immediate", "stop"])
    }

    /// Stops the server (if running) and removes its files.
    public func destroy() {
        try? stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        if getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", "postgres", "--", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        // Output goes to a file, not a pipe: the server pg_ctl starts would inherit the pipe's write
        // end and keep it open, so reading the pipe to its end would never return.
        let outputPath = directory + "/command.out"
        FileManager.default.createFile(atPath: outputPath, contents: nil, attributes: [.posixPermissions: 0o666])
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw PostgresProcessError(message: "\(URL(fileURLWithPath: executable).lastPathComponent) failed (\(process.terminationStatus)): \(text)")
        }
    }
}

public struct PostgresProcessError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
