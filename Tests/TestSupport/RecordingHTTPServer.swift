import ClientHTTP
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A small HTTP/1.1 server on 127.0.0.1 (a free port) for tests: it records every request and answers
/// with a scripted handler. It stands in for servers the stand-ins cannot imitate (Elasticsearch 8,
/// Sentry, Telegram, CORE) and for failures real servers rarely produce on demand (429, 413, 401, drops).
///
/// Keep-alive connections are served until the client closes them; chunked request bodies are
/// reassembled; requests on different connections are handled concurrently. The handler may `await`
/// (e.g. `Task.sleep` to provoke a client timeout).
///
/// ```swift
/// let server = try await RecordingHTTPServer.start { request in .json(#"{"ok":true}"#) }
/// defer { Task { await server.stop() } }
/// // ... point the client at server.baseURL, then inspect server.requests
/// ```
public final class RecordingHTTPServer: Sendable {
    public typealias Handler = @Sendable (RecordedRequest) async -> RecordingResponse

    private struct State {
        var handler: Handler
        var requests: [RecordedRequest] = []
        var connections = 0
        var openChannels: [ObjectIdentifier: any Channel] = [:]
    }

    /// The TCP port the server listens on (127.0.0.1).
    public let port: Int
    private let state: Mutex<State>
    private let serverChannel: any Channel
    private let acceptTask: Mutex<Task<Void, Never>?>

    /// `http://127.0.0.1:<port>` (no trailing slash).
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request received so far, in arrival order.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// How many TCP connections have been accepted so far.
    public var connectionCount: Int { state.withLock { $0.connections } }

    /// Replaces the handler for requests from now on.
    public func setHandler(_ handler: @escaping Handler) {
        state.withLock { $0.handler = handler }
    }

    /// Forgets the recorded requests (connections stay open).
    public func clearRequests() {
        state.withLock { $0.requests.removeAll() }
    }

    /// Starts listening on 127.0.0.1 at a free port.
    public static func start(handler: @escaping Handler = { _ in RecordingResponse(status: 200) }) async throws -> RecordingHTTPServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: child)
                }
            }
        let server = RecordingHTTPServer(serverChannel: channel.channel, handler: handler)
        let task = Task { await server.acceptConnections(channel) }
        server.acceptTask.withLock { $0 = task }
        return server
    }

    private init(serverChannel: any Channel, handler: @escaping Handler) {
        self.serverChannel = serverChannel
        self.port = serverChannel.localAddress?.port ?? 0
        self.state = Mutex(State(handler: handler))
        self.acceptTask = Mutex(nil)
    }

    /// Stops listening, closes every open connection and waits until all connection tasks ended.
    public func stop() async {
        try? await serverChannel.close()
        let channels = state.withLock { Array($0.openChannels.values) }
        for channel in channels { try? await channel.close() }
        let task = acceptTask.withLock { $0 }
        task?.cancel()
        await task?.value
    }

    private func acceptConnections(_ channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>) async {
        await withDiscardingTaskGroup { group in
            try? await channel.executeThenClose { inbound in
                for try await connection in inbound {
                    let number = state.withLock { state -> Int in
                        state.connections += 1
                        state.openChannels[ObjectIdentifier(connection.channel)] = connection.channel
                        return state.connections
                    }
                    group.addTask {
                        await self.serve(connection, number: number)
                        _ = self.state.withLock { $0.openChannels.removeValue(forKey: ObjectIdentifier(connection.channel)) }
                    }
                }
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, number: Int) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body.clear()
                case .body(var chunk):
                    body.writeBuffer(&chunk)
                case .end:
                    guard let requestHead = head else { continue }
                    head = nil
                    let request = RecordedRequest(
                        method: requestHead.method.rawValue,
                        uri: requestHead.uri,
                        headers: ClientHTTP.HTTPHeaders(requestHead.headers.map { ($0.name, $0.value) }),
                        body: Array(body.readableBytesView),
                        connectionNumber: number)
                    let handler = state.withLock { state -> Handler in
                        state.requests.append(request)
                        return state.handler
                    }
                    let response = await handler(request)
                    if response.closeWithoutResponse { return }
                    try await Self.write(response, to: outbound, for: requestHead)
                    if !requestHead.isKeepAlive { return }
                }
            }
        }
    }

    private static func write(_ response: RecordingResponse, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
                              for request: HTTPRequestHead) async throws {
        var headers = NIOHTTP1.HTTPHeaders(response.headers.fields.map { ($0.name, $0.value) })
        if !headers.contains(name: "Content-Length") && !headers.contains(name: "Transfer-Encoding") {
            headers.add(name: "Content-Length", value: "\(response.body.count)")
        }
        if !request.isKeepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        try await outbound.write(.head(head))
        if request.method != .HEAD && !response.body.isEmpty {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        }
        try await outbound.write(.end(nil))
    }
}
