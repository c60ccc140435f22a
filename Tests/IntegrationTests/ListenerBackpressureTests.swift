import ClientHTTP
import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The TCP listeners lose nothing under load: 100,000 syslog lines and 100,000 GELF messages, each
/// over one connection as fast as the socket takes them, all accepted, none dropped. The intake's
/// body limit (64 KiB) and the listeners' queue bound (64 KiB) are small so that a listener must both
/// cut its batches into bodies the intake takes and stop reading while its queue is full.
final class ListenerBackpressureTests: HubTestCase {
    func testTCPListenersAcceptEveryEventOfAFastSender() async throws {
        let syslogPort = freeLocalPort(), gelfPort = freeLocalPort()
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: [
            "ADMIN_INPUTS_SYSLOG_TCP_LISTEN": "127.0.0.1:\(syslogPort)", "ADMIN_INPUTS_SYSLOG_SERVICE": "edge",
            "ADMIN_INPUTS_GELF_TCP_LISTEN": "127.0.0.1:\(gelfPort)", "ADMIN_INPUTS_GELF_TCP_SERVICE": "gate",
            "ADMIN_INTAKE_MAX_BODY_BYTES": "65536", "ADMIN_INTAKE_MAX_EVENT_BYTES": "16384",
            "ADMIN_INPUTS_LISTENERS_QUEUE_BYTES": "65536",
        ])
        let count = 100_000
        var syslog: [UInt8] = []
        var gelf: [UInt8] = []
        for n in 0..<count {
            syslog += Array("<134>1 2026-12-03T04:00:00.000Z web-1 shop 42 - - order \(n) paid\n".utf8)
            gelf += Array(#"{"version":"1.1","host":"web-1","short_message":"order \#(n) paid","level":6}"#.utf8) + [0]
        }

        try await Self.send(syslog, to: syslogPort)
        let afterSyslog = try await acceptedWhenSettled(hub, expecting: count)
        XCTAssertEqual(afterSyslog, count, "every syslog line accepted")

        try await Self.send(gelf, to: gelfPort)
        let afterGELF = try await acceptedWhenSettled(hub, expecting: 2 * count)
        XCTAssertEqual(afterGELF, 2 * count, "every GELF message accepted")

        let metrics = try await get(hub.baseURL + "/metrics").bodyText
        for input in ["syslog_tcp", "gelf_tcp"] {
            XCTAssertTrue(metrics.contains(#"admin_input_events_total{input="\#(input)"} \#(count)"#), "\(input) received \(count)")
            let drops = metrics.split(separator: "\n").filter { $0.hasPrefix("admin_input_dropped_total{") && $0.contains(#"input="\#(input)""#) }
            XCTAssertEqual(drops.filter { !$0.hasSuffix(" 0") }, [], "\(input) dropped nothing")
            // The sender outran the 64 KiB queue: the connection was paused, not its events dropped.
            let paused = metrics.split(separator: "\n").first { $0.hasPrefix(#"admin_input_paused_total{input="\#(input)"}"#) }
            XCTAssertGreaterThan(paused.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0, 0, "\(input) paused reading at least once")
        }
    }

    /// UDP: the listener asks for its receive buffer and logs what the kernel granted; datagrams sent
    /// at a pace the hub keeps up with all arrive (1,000 in bursts of 100); a datagram far over NIO's
    /// 2 KiB default read (an unchunked 6 KB GELF message) arrives whole.
    func testAUDPListenerReportsItsReceiveBufferAndTakesAPacedSender() async throws {
        let udpPort = freeLocalPort(), gelfPort = freeLocalPort()
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: [
            "ADMIN_INPUTS_SYSLOG_UDP_LISTEN": "127.0.0.1:\(udpPort)", "ADMIN_INPUTS_SYSLOG_SERVICE": "edge",
            "ADMIN_INPUTS_GELF_UDP_LISTEN": "127.0.0.1:\(gelfPort)", "ADMIN_INPUTS_GELF_UDP_SERVICE": "gate",
            "ADMIN_INPUTS_LISTENERS_UDP_RECEIVE_BUFFER_BYTES": "1048576",
        ])
        let logged = (try? String(contentsOfFile: hub.logPath, encoding: .utf8)) ?? ""
        let listening = logged.split(separator: "\n").first { $0.contains("input listening") && $0.contains("syslog_udp") } ?? ""
        XCTAssertTrue(listening.contains(#""receive_buffer_asked":"1048576""#), String(listening))
        XCTAssertTrue(listening.contains(#""receive_buffer_granted":""#) && listening.contains(#""net.core.rmem_max":""#), String(listening))
        XCTAssertFalse(listening.contains(#""receive_buffer_granted":"0""#), String(listening))

        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(udpPort).bigEndian)
        func send(_ datagram: [UInt8], to port: Int) {
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let sent = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, datagram, datagram.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            XCTAssertEqual(sent, datagram.count)
        }
        for n in 0..<1000 {
            send(Array("<134>1 2026-12-03T04:00:00.000Z web-1 shop 42 - - datagram \(n)".utf8), to: udpPort)
            if n % 100 == 99 { try await Task.sleep(for: .milliseconds(20)) }
        }
        let long = String(repeating: "x", count: 6000)
        send(Array(#"{"version":"1.1","host":"web-1","short_message":"\#(long)"}"#.utf8), to: gelfPort)
        let accepted = try await acceptedWhenSettled(hub, expecting: 1001)
        XCTAssertEqual(accepted, 1001, "every paced datagram accepted, the long one too")
        let metrics = try await get(hub.baseURL + "/metrics").bodyText
        let drops = metrics.split(separator: "\n").filter { $0.hasPrefix("admin_input_dropped_total{") && !$0.hasSuffix(" 0") }
        XCTAssertEqual(drops, [], "no datagram dropped or cut")
    }

    /// `admin_ingest_events_total{outcome="accepted"}` once it reaches `expecting` or stops rising for 3 s.
    private func acceptedWhenSettled(_ hub: HubProcess, expecting: Int) async throws -> Int {
        var last = -1, lastChange = ContinuousClock.now
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let text = try await get(hub.baseURL + "/metrics").bodyText
            let line = text.split(separator: "\n").first { $0.hasPrefix(#"admin_ingest_events_total{outcome="accepted",reason=""}"#) }
            let accepted = line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
            if accepted >= expecting { return accepted }
            if accepted != last { (last, lastChange) = (accepted, .now) }
            if ContinuousClock.now - lastChange > .seconds(3) { return accepted }
            try await Task.sleep(for: .milliseconds(200))
        }
        return last
    }

    /// Writes `bytes` over one TCP connection with blocking sends (on a thread of its own, not the
    /// test's executor: a paused listener blocks the sender, as it should), then closes it.
    static func send(_ bytes: [UInt8], to port: Int) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                continuation.resume(with: Result { try blockingSend(bytes, to: port) })
            }
        }
    }

    private static func blockingSend(_ bytes: [UInt8], to port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SendFailed(what: "socket", errno: errno) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw SendFailed(what: "connect", errno: errno) }
        var offset = 0
        try bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SendFailed(what: "send", errno: errno)
                }
                offset += n
            }
        }
    }

    struct SendFailed: Error { let what: String; let errno: Int32 }
}
