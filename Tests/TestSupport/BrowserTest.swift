import Foundation

/// What the browser tests need: headless Chromium, its driver and Selenium in the project's
/// virtualenv (`scripts/install-deps --with-chromium`, which `scripts/test` runs). Missing, a test
/// fails under CI=true and is skipped otherwise, like every stand-in (`StandIns.missing`).
public enum BrowserTest {
    /// The virtualenv's Python, once Chromium, chromedriver and Selenium are there.
    public static func python() throws -> String {
        let python = packageRoot() + "/.venv/bin/python"
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
              (try? run(python, ["-c", "import selenium"]).status) == 0
        else { throw StandIns.missing("chromium, chromedriver and selenium (scripts/install-deps --with-chromium)") }
        return python
    }

    /// Runs a program to its end and returns its combined output and exit status.
    @discardableResult
    /// `environment` is added to this process's; `directory` is the working directory (default: this one's).
    public static func run(_ path: String, _ arguments: [String], environment: [String: String] = [:],
                           directory: String? = nil) throws -> (text: String, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }
}
