import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal Server-Sent Events client over a plain socket, for the live-tail tests: it can read
/// frames with a deadline, or not read at all (the slow client).
final class SSEClient {
    struct Frame {
        var id: String?
        var event: String?
        var data: String
        var isComment: Bool
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var status = 0

    init(port: Int, path: String, headers: [String: String]) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
    }

    deinit { close(fd) }

    /// Reads the status line and headers.
    func readHead(timeout: TimeInterval = 5) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let end = find([13, 10, 13, 10]) {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
                // The body is chunked: drop the chunk-size lines as frames are read (see `nextFrame`).
                return status
            }
            guard try fill(until: deadline) else { throw POSIXError(.ETIMEDOUT) }
        }
    }

    /// The next frame (event or comment), or nil when `timeout` passes or the stream ends.
    func nextFrame(timeout: TimeInterval) throws -> Frame? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            dechunk()
            if let end = find([10, 10]) {
                let text = String(decoding: body[..<end], as: UTF8.self)
                body.removeFirst(end + 2)
                var frame = Frame(id: nil, event: nil, data: "", isComment: true)
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    if line.hasPrefix(":") { continue }
                    frame.isComment = false
                    if line.hasPrefix("id: ") { frame.id = String(line.dropFirst(4)) }
                    else if line.hasPrefix("event: ") { frame.event = String(line.dropFirst(7)) }
                    else if line.hasPrefix("data: ") { frame.data += String(line.dropFirst(6)) }
                }
                return frame
            }
            guard try fill(until: deadline) else { return nil }
        }
    }

    /// The next `event: event` frame whose data contains `needle`, skipping others.
    func nextEvent(containing needle: String, timeout: TimeInterval) throws -> Frame? {
        let deadline = Date().addingTimeInterval(timeout)
        while let frame = try nextFrame(timeout: max(0, deadline.timeIntervalSinceNow)) {
            if frame.event == "event", frame.data.contains(needle) { return frame }
            if frame.event == "cut" { return frame }
        }
        return nil
    }

    /// Everything the server sends until the stream ends or `timeout` passes (raw, chunk framing included).
    func readAll(timeout: TimeInterval) throws -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout)
        // Until the last chunk (`0\r\n\r\n`): the connection itself stays open (keep-alive).
        while try fill(until: deadline) {
            if buffer.count >= 5, Array(buffer.suffix(5)) == [48, 13, 10, 13, 10] { break }
        }
        defer { buffer = [] }
        return buffer
    }

    // MARK: - Bytes

    private var body: [UInt8] = []

    /// Moves complete chunks of the chunked body from `buffer` into `body`.
    private func dechunk() {
        while let lineEnd = find([13, 10]) {
            let sizeText = String(decoding: buffer[..<lineEnd], as: UTF8.self)
            guard let size = Int(sizeText, radix: 16) else { buffer.removeFirst(lineEnd + 2); continue }
            guard buffer.count >= lineEnd + 2 + size + 2 else { return }
            body += buffer[(lineEnd + 2)..<(lineEnd + 2 + size)]
            buffer.removeFirst(lineEnd + 2 + size + 2)
        }
    }

    private func find(_ needle: [UInt8]) -> Int? {
        find(needle, in: needle == [10, 10] ? body : buffer)
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }

    /// False on timeout or end of stream.
    private func fill(until deadline: Date) throws -> Bool {
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0 else { return false }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(remaining * 1000)) > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &chunk, chunk.count, 0)
        guard n > 0 else { return false }
        buffer += chunk[..<n]
        return true
    }
}
