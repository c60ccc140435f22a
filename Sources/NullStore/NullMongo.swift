import Foundation
import NIOCore

/// Splits the byte stream into MongoDB wire messages (each starts with its int32 length).
struct MongoFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length: Int32 = buffer.getInteger(at: buffer.readerIndex, endianness: .little) else { return .needMoreData }
        guard length >= 16, length <= 64 << 20 else { throw NullStoreError.badFrame(Int(length)) }
        guard let frame = buffer.readSlice(length: Int(length)) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }
}

enum NullStoreError: Error { case badFrame(Int) }

/// Answers what libmongoc and the hub's MongoDB sink send (hello, buildInfo, ping, index commands,
/// `insert`, …) at once: `insert` counts the documents and answers `{n, ok: 1}`. OP_MSG for
/// everything, OP_QUERY/OP_REPLY for the legacy handshake. Unknown commands are logged once and
/// answered `{ok: 1}`.
final class NullMongoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let counters: NullStoreCounters
    private let connectionID: Int32

    init(counters: NullStoreCounters, connectionID: Int32) {
        self.counters = counters
        self.connectionID = connectionID
    }

    private static let opReply: Int32 = 1, opQuery: Int32 = 2004, opMsg: Int32 = 2013

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard let requestID: Int32 = frame.getInteger(at: 4, endianness: .little),
              let opCode: Int32 = frame.getInteger(at: 12, endianness: .little) else { return }
        switch opCode {
        case Self.opMsg:
            guard let flags: UInt32 = frame.getInteger(at: 16, endianness: .little) else { return }
            let end = frame.writerIndex - (flags & 1 != 0 ? 4 : 0)
            var at = 20
            var body: [MiniBSON.Element] = []
            var sequenceCount = 0
            while at < end, let kind: UInt8 = frame.getInteger(at: at) {
                at += 1
                guard let size: Int32 = frame.getInteger(at: at, endianness: .little) else { return }
                if kind == 0 {
                    body = MiniBSON.elements(of: frame, at: at) ?? []
                    at += Int(size)
                } else {
                    // A document sequence (`documents` of an insert): count its documents.
                    let sectionEnd = at + Int(size)
                    guard let nameEnd = frame.readableBytesView[(at + 4)...].firstIndex(of: 0) else { return }
                    var doc = nameEnd + 1
                    while doc < sectionEnd, let length: Int32 = frame.getInteger(at: doc, endianness: .little), length > 0 {
                        sequenceCount += 1
                        doc += Int(length)
                    }
                    at = sectionEnd
                }
            }
            let reply = answer(body, frame: frame, sequenceCount: sequenceCount)
            // moreToCome (bit 1): the client wants no answer (w:0).
            guard flags & 2 == 0 else { return }
            var out = context.channel.allocator.buffer(capacity: 256)
            writeHeader(&out, responseTo: requestID, opCode: Self.opMsg)
            out.writeInteger(UInt32(0), endianness: .little)
            out.writeInteger(UInt8(0))
            MiniBSON.write(reply, to: &out)
            finish(&out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        case Self.opQuery:
            // flags, full collection name, skip, return, then the query document.
            guard let nameEnd = frame.readableBytesView[20...].firstIndex(of: 0) else { return }
            var queryAt = nameEnd + 1 + 8
            var body = MiniBSON.elements(of: frame, at: queryAt) ?? []
            if let wrapped = body.first, wrapped.key == "$query" || wrapped.key == "query" {
                queryAt = wrapped.valueAt
                body = MiniBSON.elements(of: frame, at: queryAt) ?? []
            }
            let reply = answer(body, frame: frame, sequenceCount: 0)
            var out = context.channel.allocator.buffer(capacity: 256)
            writeHeader(&out, responseTo: requestID, opCode: Self.opReply)
            out.writeInteger(Int32(0), endianness: .little)  // responseFlags
            out.writeInteger(Int64(0), endianness: .little)  // cursorID
            out.writeInteger(Int32(0), endianness: .little)  // startingFrom
            out.writeInteger(Int32(1), endianness: .little)  // numberReturned
            MiniBSON.write(reply, to: &out)
            finish(&out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        default:
            counters.unknown("opCode \(opCode)")
        }
    }

    private func writeHeader(_ out: inout ByteBuffer, responseTo: Int32, opCode: Int32) {
        out.writeInteger(Int32(0), endianness: .little)
        out.writeInteger(counters.nextRequestID(), endianness: .little)
        out.writeInteger(responseTo, endianness: .little)
        out.writeInteger(opCode, endianness: .little)
    }

    private func finish(_ out: inout ByteBuffer) {
        out.setInteger(Int32(out.writerIndex), at: 0, endianness: .little)
    }

    private func answer(_ body: [MiniBSON.Element], frame: ByteBuffer, sequenceCount: Int) -> [(String, MiniBSON.Value)] {
        let command = body.first?.key ?? ""
        let ok: (String, MiniBSON.Value) = ("ok", .double(1))
        switch command.lowercased() {
        case "hello", "ismaster":
            return [
                ("helloOk", .bool(true)), ("ismaster", .bool(true)), ("isWritablePrimary", .bool(true)),
                ("maxBsonObjectSize", .int32(16 << 20)), ("maxMessageSizeBytes", .int32(48_000_000)),
                ("maxWriteBatchSize", .int32(100_000)), ("localTime", .date(Int64(Date().timeIntervalSince1970 * 1000))),
                ("logicalSessionTimeoutMinutes", .int32(30)), ("connectionId", .int32(connectionID)),
                ("minWireVersion", .int32(0)), ("maxWireVersion", .int32(17)), ("readOnly", .bool(false)), ok,
            ]
        case "buildinfo":
            return [("version", .string("6.0.0")), ("versionArray", .array([.int32(6), .int32(0), .int32(0), .int32(0)])), ok]
        case "insert":
            var count = sequenceCount
            if let documents = body.first(where: { $0.key == "documents" }), documents.type == 0x04 {
                count += MiniBSON.elements(of: frame, at: documents.valueAt)?.count ?? 0
            }
            counters.mongoInserted(count)
            return [("n", .int32(Int32(count))), ok]
        case "listindexes", "find", "aggregate", "listcollections":
            let database = body.first { $0.key == "$db" }.flatMap { MiniBSON.string($0, in: frame) } ?? "db"
            let collection = body.first.flatMap { MiniBSON.string($0, in: frame) } ?? "c"
            return [("cursor", .document([("id", .int64(0)), ("ns", .string("\(database).\(collection)")), ("firstBatch", .array([]))])), ok]
        case "ping", "endsessions", "createindexes", "dropindexes", "collmod", "drop", "create", "killcursors":
            return [ok]
        default:
            counters.unknown("command \(command)")
            return [ok]
        }
    }
}
