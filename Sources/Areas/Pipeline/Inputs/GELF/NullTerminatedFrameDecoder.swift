import NIOCore

/// Splits a GELF TCP stream at null bytes, as Graylog reads it. A frame over the limit closes the
/// connection: there is no way to find the next message's start without reading the whole one.
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
}
