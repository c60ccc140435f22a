import Intake
import NIOCore

/// Reassembles GELF chunks per listener; runs on the channel's event loop only, so its state needs no lock.
final class GELFDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let receiver: GELFReceiver
    private var assembler = GELFChunkAssembler()

    init(receiver: GELFReceiver) { self.receiver = receiver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var datagram = unwrapInboundIn(data).data
        // A chunk is held until its message is whole: copied out of the 64 KiB receive buffer it
        // shares storage with (`UDPListener`), so a held chunk keeps only its own bytes alive.
        if datagram.readableBytesView.starts(with: [0x1E, 0x0F]) { datagram = ByteBuffer(bytes: datagram.readableBytesView) }
        switch assembler.add(datagram, now: .now) {
        case .complete(let payload): receiver.receive(payload)
        case .incomplete: break
        case .invalid(let reason): receiver.intake.reject("invalid_chunk", detail: reason)
        }
    }
}
