import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

// null-store: a measuring tool, not part of the hub. Listens on loopback as Elasticsearch (HTTP) and
// MongoDB (wire protocol) and answers every write at once, correctly, storing nothing, so that
// `scripts/bench delivery` measures what the hub's sinks cost and not what a store costs.
//
//   null-store [--es-port N] [--mongo-port N] [--threads N]    (port 0: any free port)
// Prints "null-store es=<port> mongo=<port>" once listening. GET /_null/stats on the ES port:
// {"bulk_requests":…,"bulk_items":…,"mongo_inserts":…,"mongo_documents":…}.

var options: [String: Int] = ["--es-port": 0, "--mongo-port": 0, "--threads": 1]
var arguments = CommandLine.arguments.dropFirst()
while let name = arguments.popFirst() {
    guard options[name] != nil, let value = arguments.popFirst().flatMap(Int.init) else {
        FileHandle.standardError.write(Data("usage: null-store [--es-port N] [--mongo-port N] [--threads N]\n".utf8))
        exit(2)
    }
    options[name] = value
}

let counters = NullStoreCounters()
let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, options["--threads"]!))

let elasticsearch = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
            try channel.pipeline.syncOperations.addHandler(NullElasticsearchHandler(counters: counters))
        }
    }
    .bind(host: "127.0.0.1", port: options["--es-port"]!).wait()

let mongo = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MongoFrameDecoder()))
            try channel.pipeline.syncOperations.addHandler(NullMongoHandler(counters: counters, connectionID: counters.nextConnection()))
        }
    }
    .bind(host: "127.0.0.1", port: options["--mongo-port"]!).wait()

FileHandle.standardOutput.write(Data(("null-store es=\(elasticsearch.localAddress?.port ?? 0) mongo=\(mongo.localAddress?.port ?? 0)" + "\n").utf8))
_ = try elasticsearch.closeFuture.and(mongo.closeFuture).wait()
