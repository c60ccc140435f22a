import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Syslog over UDP and TCP as hosts send it: logger(1) in both formats and framings, and rsyslog
/// forwarding (omfwd, RFC 5424, octet-counted). Every message lands once in both stores.
final class SyslogInputTests: HubTestCase {
    func testLoggerAndRsyslogForwardingArriveOnce() async throws {
        let rsyslogd = "/usr/sbin/rsyslogd"
        guard FileManager.default.isExecutableFile(atPath: rsyslogd), FileManager.default.isExecutableFile(atPath: "/usr/bin/logger") else {
            throw StandIns.missing("rsyslog and logger(1) (scripts/install-deps)")
        }
        let udpPort = freeLocalPort(), tcpPort = freeLocalPort()
        _ = try await startHub(extra: ["ADMIN_INPUTS_SYSLOG_UDP_LISTEN": "\(udpPort)", "ADMIN_INPUTS_SYSLOG_TCP_LISTEN": "127.0.0.1:\(tcpPort)",
                                       "ADMIN_INPUTS_SYSLOG_SERVICE": "edge"])
        let run = "sys\(UUID().uuidString.prefix(6).lowercased())"
        let sends: [(tag: String, arguments: [String])] = [
            ("\(run)-udp3164", ["--udp", "--port", "\(udpPort)", "--rfc3164"]),
            ("\(run)-udp5424", ["--udp", "--port", "\(udpPort)", "--rfc5424", "--sd-id", "order@32473", "--sd-param", "shop=\"42\""]),
            ("\(run)-tcp", ["--tcp", "--port", "\(tcpPort)", "--rfc5424"]),
            ("\(run)-tcpoctet", ["--tcp", "--port", "\(tcpPort)", "--rfc5424", "--octet-count"]),
        ]
        for (tag, arguments) in sends {
            for n in 0..<10 {
                let sent = try BrowserTest.run("/usr/bin/logger", ["--server", "127.0.0.1", "--tag", tag, "--priority", "local3.err"]
                                               + arguments + ["event \(n) from \(tag)"])
                XCTAssertEqual(sent.status, 0, sent.text)
            }
        }

        // rsyslog forwarding: imtcp in, omfwd out to the hub's TCP listener in RFC 5424, octet-counted.
        let work = directory.path + "/rsyslog"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let inPort = freeLocalPort()
        try """
            global(workDirectory="\(work)")
            module(load="imtcp")
            input(type="imtcp" address="127.0.0.1" port="\(inPort)" ruleset="forward")
            ruleset(name="forward") {
              action(type="omfwd" target="127.0.0.1" port="\(tcpPort)" protocol="tcp" TCP_Framing="octet-counted"
                     template="RSYSLOG_SyslogProtocol23Format" action.resumeRetryCount="-1" queue.type="linkedlist")
            }
            """.write(toFile: work + "/rsyslog.conf", atomically: true, encoding: .utf8)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: rsyslogd)
        daemon.arguments = ["-n", "-f", work + "/rsyslog.conf", "-i", work + "/rsyslogd.pid"]
        daemon.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        daemon.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try daemon.run()
        // SIGKILL: a child of the test process inherits its blocked SIGTERM.
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL); daemon.waitUntilExit() } }
        try await eventually(timeout: .seconds(20), "rsyslogd listening") {
            (try? BrowserTest.run("/usr/bin/logger", ["--tcp", "--server", "127.0.0.1", "--port", "\(inPort)", "--tag", "probe", "probe"]).status) == 0
        }
        for n in 0..<10 {
            _ = try BrowserTest.run("/usr/bin/logger", ["--tcp", "--server", "127.0.0.1", "--port", "\(inPort)", "--tag", "\(run)-rsyslog",
                                                        "--priority", "local3.err", "event \(n) via rsyslog"])
        }

        let pool = try mongoPool()
        for tag in sends.map(\.tag) + ["\(run)-rsyslog"] {
            try await eventually("10 events tagged \(tag) in MongoDB and Elasticsearch") {
                let mongo = try await mongoCount(pool, filter: ["log.logger": .string(tag)])
                let elasticsearch = try await elasticsearchCount(query: ["term": ["log.logger": .string(tag)]])
                return mongo == 10 && elasticsearch == 10
            }
        }
        let hits = try await elasticsearchSearch(["term": ["log.logger": .string("\(run)-udp5424")]], size: 1)
        let source = hits.first?["_source"]
        XCTAssertEqual(source?["log"]?["level"], "error")
        XCTAssertEqual(source?["service"]?["name"], "edge")
        XCTAssertEqual(source?["labels"]?["facility"], "local3")
        XCTAssertEqual(source?["labels"]?["order@32473_shop"], "42")
        XCTAssertTrue(source?["message"]?.stringValue?.hasPrefix("event ") == true, "\(String(describing: source))")
        try await Task.sleep(for: .seconds(1))
        for tag in sends.map(\.tag) + ["\(run)-rsyslog"] {  // still 10 each a second later: each once
            let stored = try await mongoCount(pool, filter: ["log.logger": .string(tag)])
            XCTAssertEqual(stored, 10, tag)
        }
    }

    func testAListenerWithoutAServiceIsRefused() throws {
        XCTAssertThrowsError(try runAdmin(["check-config"], environment: hubEnvironment(extra: ["ADMIN_INPUTS_SYSLOG_TCP_LISTEN": "5514"]))) { error in
            XCTAssertTrue("\(error)".contains("inputs.syslog.service (ADMIN_INPUTS_SYSLOG_SERVICE) must name the service"), "\(error)")
        }
    }
}
