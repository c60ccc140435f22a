import Intake
import NIOCore
import Transforms

/// One GELF payload from a listener (UDP datagram reassembled, or a TCP frame) into the listener's
/// intake: inflated, translated, queued; a message that cannot be read is counted and dropped.
struct GELFReceiver: Sendable {
    let intake: ListenerIntake
    let maxEventBytes: Int

    func receive(_ payload: ByteBuffer) {
        switch GELFPayload.plain(payload, limit: maxEventBytes) {
        case .failure(let error):
            intake.reject("invalid_compression", detail: "\(error)")
        case .success(let plain):
            switch GELFMessage.event(from: plain, maxBytes: maxEventBytes) {
            case .success(let event): intake.submit(event: event)
            case .failure(let error): intake.reject(error.code, detail: error.message)
            }
        }
    }
}
