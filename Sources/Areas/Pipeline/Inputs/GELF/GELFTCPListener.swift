import Foundation
import Intake
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// GELF over TCP (each message ended by a null byte, as Graylog reads it) on `inputs.gelf_tcp.listen`,
/// every message belonging to `inputs.gelf_tcp.service` (no token: loopback by default).
struct GELFTCPListener: Service, CustomStringConvertible {
    let host: String
    let port: Int
    let receiver: GELFReceiver
    let logger: Logger

    var description: String { "GELFTCPListener(\(host):\(port))" }

    func run() async throws {
        let receiver = self.receiver
        let maxFrameBytes = receiver.maxEventBytes
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NullTerminatedFrameDecoder(maxFrameBytes: maxFrameBytes)))
                    try channel.pipeline.syncOperations.addHandler(GELFFrameHandler(receiver: receiver))
                }
            }
            .bind(host: host, port: port).get()
        logger.info("GELF TCP input listening", metadata: ["address": "\(host):\(port)", "service": "\(receiver.intake.service)"])
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}

/// Splits a TCP stream at null bytes. A frame over the limit closes the connection: there is no
/// way to find the next message's start without reading the whole oversized one.
struct NullTerminatedFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    let maxFrameBytes: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let end = buffer.readableBytesView.firstIndex(of: 0) else {
            if buffer.readableBytes > maxFrameBytes { throw FrameTooLarge() }
            return .needMoreData
        }
        let frame = buffer.readSlice(length: end - buffer.readerIndex)!
        buffer.moveReaderIndex(forwardBy: 1)
        if frame.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(frame)) }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A last message without its null byte: the sender closed right after it.
        if buffer.readableBytes > 0, buffer.readableBytesView.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D }) {
            context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: buffer.readableBytes)!))
        }
        return .needMoreData
    }

    struct FrameTooLarge: Error {}
}

final class GELFFrameHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let receiver: GELFReceiver

    init(receiver: GELFReceiver) { self.receiver = receiver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        receiver.receive(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        receiver.intake.reject(error is NullTerminatedFrameDecoder.FrameTooLarge ? "event_too_large" : "connection_error", detail: "\(error)")
        context.close(promise: nil)
    }
}
