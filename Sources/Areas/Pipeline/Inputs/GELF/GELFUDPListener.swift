import Foundation
import Intake
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// GELF over UDP (chunked or not; plain, gzip or zlib) on `inputs.gelf_udp.listen`, every message
/// belonging to `inputs.gelf_udp.service`: UDP carries no token, so the listener is bound to one
/// service and to loopback unless configured otherwise.
struct GELFUDPListener: Service, CustomStringConvertible {
    let host: String
    let port: Int
    let receiver: GELFReceiver
    let logger: Logger

    var description: String { "GELFUDPListener(\(host):\(port))" }

    func run() async throws {
        let receiver = self.receiver
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: 8 << 20)  // bursts of datagrams while a batch is spooled
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(GELFDatagramHandler(receiver: receiver))
                }
            }
            .bind(host: host, port: port).get()
        logger.info("GELF UDP input listening", metadata: ["address": "\(host):\(port)", "service": "\(receiver.intake.service)"])
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}

/// Reassembles chunks per listener; runs on the channel's event loop only, so its state needs no lock.
final class GELFDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let receiver: GELFReceiver
    private var assembler = GELFChunkAssembler()

    init(receiver: GELFReceiver) { self.receiver = receiver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let datagram = unwrapInboundIn(data).data
        switch assembler.add(datagram, now: .now) {
        case .complete(let payload): receiver.receive(payload)
        case .incomplete: break
        case .invalid(let reason): receiver.intake.reject("invalid_chunk", detail: reason)
        }
    }
}
