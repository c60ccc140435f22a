#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1

/// Answers the Elasticsearch requests the hub's sink makes, at once and correctly: `GET /` (an 8.x
/// root), `HEAD /`, the index template, cluster health, `_cat/indices` (none), and `_bulk` with one
/// `create` result (201) per action, echoing each action's `_index` and `_id`. `GET /_null/stats`
/// says how much it took.
final class NullElasticsearchHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let counters: NullStoreCounters
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?

    init(counters: NullStoreCounters) {
        self.counters = counters
    }

    static let root = #"{"name":"null-store","cluster_name":"null","cluster_uuid":"null","version":{"number":"8.13.4","build_flavor":"default","lucene_version":"9.10.0"},"tagline":"You Know, for Search"}"#

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
        case .body(var chunk):
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case .end:
            guard let head else { return }
            respond(context: context, head: head, body: body ?? context.channel.allocator.buffer(capacity: 0))
            self.head = nil
            body = nil
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, body: ByteBuffer) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        var out = context.channel.allocator.buffer(capacity: 256)
        var status = HTTPResponseStatus.ok
        switch (head.method, path) {
        case (.POST, "/_bulk"), (.PUT, "/_bulk"):
            out.reserveCapacity(body.readableBytes / 3 + 64)
            counters.bulk(items: Self.answerBulk(body, into: &out))
        case (.GET, "/"), (.HEAD, "/"):
            out.writeString(Self.root)
        case (.GET, "/_cluster/health"):
            out.writeString(#"{"cluster_name":"null","status":"green","number_of_nodes":1}"#)
        case (.GET, "/_null/stats"):
            out.writeString(counters.json)
        case (.GET, _) where path.hasPrefix("/_cat/indices"):
            out.writeString("[]")
        case (.PUT, _) where path.hasPrefix("/_index_template/"):
            out.writeString(#"{"acknowledged":true}"#)
        default:
            counters.unknown("HTTP \(head.method) \(path)")
            status = .notFound
            out.writeString(#"{"error":{"type":"null_store","reason":"not served by the null store"},"status":404}"#)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "X-Elastic-Product", value: "Elasticsearch")
        headers.add(name: "Content-Length", value: String(out.readableBytes))
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(out))), promise: nil) }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }

    private static let indexKey = Array(#""_index":""#.utf8), idKey = Array(#""_id":""#.utf8)

    /// Writes the bulk answer for the NDJSON `body` and returns how many actions it had. Every action
    /// but `delete` is followed by its document line, which is skipped unread. Lines are found with
    /// `memchr` and nothing per item becomes a `String`: the null store must cost far less than the hub
    /// it measures (a byte loop and a few strings per item took 0.6 of a core at 600k items/s).
    static func answerBulk(_ body: ByteBuffer, into out: inout ByteBuffer) -> Int {
        out.writeString(#"{"took":0,"errors":false,"items":["#)
        var count = 0
        body.withUnsafeReadableBytes { (raw: UnsafeRawBufferPointer) -> Void in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let base = bytes.baseAddress else { return }
            var at = 0
            var expectDocument = false
            while at < bytes.count {
                let newline: UnsafeMutableRawPointer? = memchr(base + at, 0x0A, bytes.count - at)
                let end = newline.map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? bytes.count
                defer { at = end + 1 }
                if end == at { continue }  // an empty line
                if expectDocument {
                    expectDocument = false
                    continue
                }
                let line = UnsafeBufferPointer(rebasing: bytes[at..<end])
                let action = Self.firstKey(line)
                let isDelete = action?.elementsEqual("delete".utf8) ?? false
                expectDocument = !isDelete
                let index = Self.stringValue(after: indexKey, in: line)
                let id = Self.stringValue(after: idKey, in: line)
                if count > 0 { out.writeInteger(UInt8(ascii: ",")) }
                count += 1
                out.writeInteger(UInt8(ascii: "{"))
                out.writeInteger(UInt8(ascii: "\""))
                if let action { out.writeBytes(action) } else { out.writeStaticString("index") }
                out.writeStaticString(#"":{"_index":""#)
                out.writeBytes(index ?? UnsafeBufferPointer(start: nil, count: 0))
                out.writeStaticString(#"","_id":""#)
                out.writeBytes(id ?? UnsafeBufferPointer(start: nil, count: 0))
                if isDelete { out.writeStaticString(#"","_version":1,"result":"not_found""#) } else { out.writeStaticString(#"","_version":1,"result":"created""#) }
                out.writeStaticString(#","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"status":"#)
                if isDelete { out.writeStaticString("404}}") } else { out.writeStaticString("201}}") }
            }
        }
        out.writeString("]}")
        return count
    }

    /// The action's name: the first key of `{"create":{…}}` (nil: none, answered as `index`).
    private static func firstKey(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard let open = line.firstIndex(of: UInt8(ascii: "\"")),
              let close = line[(open + 1)...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return UnsafeBufferPointer(rebasing: line[(open + 1)..<close])
    }

    /// The raw (still escaped) bytes of the JSON string after `key`, or nil.
    private static func stringValue(after key: [UInt8], in line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard line.count >= key.count else { return nil }
        var at = 0
        while at + key.count <= line.count {
            if line[at] == key[0], key.indices.allSatisfy({ line[at + $0] == key[$0] }) {
                let start = at + key.count
                var end = start
                while end < line.count, line[end] != UInt8(ascii: "\"") {
                    end += line[end] == UInt8(ascii: "\\") ? 2 : 1
                }
                return UnsafeBufferPointer(rebasing: line[start..<min(end, line.count)])
            }
            at += 1
        }
        return nil
    }
}
