import Intake
import NIOCore
import Transforms

/// One syslog message from a listener into its intake: parsed (RFC 5424 or 3164), queued; a message
/// that cannot be read is counted and dropped.
struct SyslogReceiver: Sendable {
    let intake: ListenerIntake
    let maxEventBytes: Int

    func receive(_ message: ByteBuffer) {
        switch SyslogMessage.event(from: message, maxBytes: maxEventBytes) {
        case .success(let event): intake.submit(event: event)
        case .failure(let error): intake.reject(error.code, detail: error.message)
        }
    }
}

/// One datagram, one message.
final class SyslogDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    private let receiver: SyslogReceiver

    init(receiver: SyslogReceiver) { self.receiver = receiver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        receiver.receive(unwrapInboundIn(data).data)
    }
}
