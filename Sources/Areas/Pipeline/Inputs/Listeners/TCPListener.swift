import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A TCP input (GELF, syslog) on `host:port`: every connection gets the handlers `makeHandlers`
/// makes (a frame decoder, then what reads the frames). No token either: bound to one service.
struct TCPListener: Service, CustomStringConvertible {
    let input: String
    let host: String
    let port: Int
    let service: String
    let logger: Logger
    let makeHandlers: @Sendable () -> [any ChannelHandler]

    var description: String { "TCPListener(\(input) \(host):\(port))" }

    func run() async throws {
        let makeHandlers = self.makeHandlers
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandlers(makeHandlers()) }
            }
            .bind(host: host, port: port).get()
        logger.info("input listening", metadata: ["input": "\(input)", "address": "tcp://\(host):\(port)", "service": "\(service)"])
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}

/// Reads decoded frames into a listener's intake (the frame's own parser is `read`); a connection
/// error is counted and closes that connection only. After each read, a connection that finds the
/// intake's queue full stops reading (`autoRead` off) until the intake's next flush resumes it: the
/// sender then blocks in TCP's flow control instead of its events being dropped.
final class FrameHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let intake: ListenerIntake
    private let read: @Sendable (ByteBuffer) -> Void

    init(intake: ListenerIntake, read: @escaping @Sendable (ByteBuffer) -> Void) {
        self.intake = intake
        self.read = read
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        read(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if intake.pauseIfFull(context.channel) {
            // On the channel's loop: done before the intake's resume, which is queued on this loop.
            try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        intake.reject(error is FrameTooLarge ? "event_too_large" : "connection_error", detail: "\(error)")
        context.close(promise: nil)
    }
}

/// A frame over the event limit: the connection is closed, as the next frame's start cannot be found.
struct FrameTooLarge: Error {}
