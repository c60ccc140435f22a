import NIOCore

/// Syslog over TCP as RFC 6587 frames it, both ways senders use, told apart per message by its first
/// byte: octet counting (`123 <34>1 …`, what rsyslog's omfwd sends with `TCP_Framing="octet-counted"`)
/// when it is a digit, else newline termination (`logger --tcp`, most daemons).
struct SyslogFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    let maxFrameBytes: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let first = view.first else { return .needMoreData }
        if first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9") {
            guard let space = view.prefix(12).firstIndex(of: UInt8(ascii: " ")) else {
                if view.count >= 12 { throw FrameTooLarge() }  // no length this long is a length
                return .needMoreData
            }
            guard let length = Int(String(decoding: view[view.startIndex..<space], as: UTF8.self)), length <= maxFrameBytes else {
                throw FrameTooLarge()
            }
            let headerBytes = space - view.startIndex + 1
            guard buffer.readableBytes >= headerBytes + length else { return .needMoreData }
            buffer.moveReaderIndex(forwardBy: headerBytes)
            context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: length)!))
            return .continue
        }
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count > maxFrameBytes { throw FrameTooLarge() }
            return .needMoreData
        }
        let frame = buffer.readSlice(length: newline - view.startIndex)!
        buffer.moveReaderIndex(forwardBy: 1)
        if frame.readableBytesView.contains(where: { $0 != 0x20 && $0 != 0x0D }) { context.fireChannelRead(wrapInboundOut(frame)) }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytesView.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D }) {
            context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: buffer.readableBytes)!))
        }
        return .needMoreData
    }
}
