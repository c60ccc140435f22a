import Intake
import NIOCore

/// Reassembles GELF chunks per listener; runs on the channel's event loop only, so its state needs no lock.
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
