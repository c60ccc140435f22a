import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A UDP input (GELF, syslog) on `host:port`: each datagram goes to the handler `makeHandler` makes,
/// which runs on the channel's event loop. UDP carries no token, so every input built on this is
/// bound to one service and to loopback unless configured otherwise.
struct UDPListener: Service, CustomStringConvertible {
    let input: String
    let host: String
    let port: Int
    let service: String
    let logger: Logger
    let makeHandler: @Sendable () -> any ChannelHandler

    var description: String { "UDPListener(\(input) \(host):\(port))" }

    func run() async throws {
        let makeHandler = self.makeHandler
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: 8 << 20)  // bursts of datagrams while a batch is spooled
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(makeHandler()) }
            }
            .bind(host: host, port: port).get()
        logger.info("input listening", metadata: ["input": "\(input)", "address": "udp://\(host):\(port)", "service": "\(service)"])
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}
