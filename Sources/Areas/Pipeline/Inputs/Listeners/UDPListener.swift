import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A UDP input (GELF, syslog) on `host:port`: each datagram goes to the handler `makeHandler` makes,
/// which runs on the channel's event loop. UDP carries no token, so every input built on this is
/// bound to one service and to loopback unless configured otherwise. UDP has no flow control: what
/// the socket's receive buffer cannot hold while the hub is busy is lost in the kernel, so the
/// buffer is made large (`receiveBufferBytes`, `SO_RCVBUF`); the size the kernel granted is logged.
struct UDPListener: Service, CustomStringConvertible {
    let input: String
    let host: String
    let port: Int
    let service: String
    let logger: Logger
    let receiveBufferBytes: Int
    let makeHandler: @Sendable () -> any ChannelHandler

    init(input: String, host: String, port: Int, service: String, logger: Logger, receiveBufferBytes: Int,
         makeHandler: @escaping @Sendable () -> any ChannelHandler) {
        (self.input, self.host, self.port, self.service, self.logger) = (input, host, port, service, logger)
        self.receiveBufferBytes = receiveBufferBytes
        self.makeHandler = makeHandler
    }

    var description: String { "UDPListener(\(input) \(host):\(port))" }

    /// 65,535 minus the IPv4 and UDP headers.
    static let largestDatagram = 65_507
    static let datagramsPerRead = 32

    func run() async throws {
        let makeHandler = self.makeHandler
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBufferBytes))
            // NIO reads datagrams into 2 KiB by default and cuts what is longer (a GELF message or
            // chunk of 8 KiB, a long syslog line): each read has room for the largest a UDP datagram
            // can be, and takes up to `datagramsPerRead` of them in one recvmmsg call.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: Self.datagramsPerRead * Self.largestDatagram))
            .channelOption(.datagramVectorReadMessageCount, value: Self.datagramsPerRead)
            .channelOption(.maxMessagesPerRead, value: 8)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(makeHandler()) }
            }
            .bind(host: host, port: port).get()
        // Linux reports twice what it grants (half is its bookkeeping) and caps the request at net.core.rmem_max.
        let granted = (try? await channel.getOption(.socketOption(.so_rcvbuf)).get()).map { Int($0) / 2 } ?? 0
        let cap = (try? String(contentsOfFile: "/proc/sys/net/core/rmem_max", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        logger.info("input listening", metadata: ["input": "\(input)", "address": "udp://\(host):\(port)", "service": "\(service)",
                                                  "receive_buffer_asked": "\(receiveBufferBytes)", "receive_buffer_granted": "\(granted)",
                                                  "net.core.rmem_max": "\(cap)"])
        if granted < receiveBufferBytes {
            logger.warning("the kernel granted a smaller UDP receive buffer than asked: bursts may be lost in the kernel; raise net.core.rmem_max (sysctl) to at least inputs.listeners.udp_receive_buffer_bytes",
                           metadata: ["input": "\(input)", "asked": "\(receiveBufferBytes)", "granted": "\(granted)", "net.core.rmem_max": "\(cap)"])
        }
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}
