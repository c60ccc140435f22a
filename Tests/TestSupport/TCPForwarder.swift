import NIOCore
import NIOPosix
import Synchronization

/// A TCP relay on 127.0.0.1 (a free port) in front of a real server, that a test can cut and restore:
/// the way to take PostgreSQL (or any TCP service) away from the hub for a while without stopping the
/// shared stand-in. While cut, every open connection is closed and new ones are accepted and closed at
/// once, as a server going away looks to a client.
public final class TCPForwarder: Sendable {
    private struct State {
        var isCut = false
        var open: [ObjectIdentifier: any Channel] = [:]
    }

    /// The port to connect to instead of the upstream's.
    public let port: Int
    private let listener: any Channel
    private let state: Mutex<State>

    private init(port: Int, listener: any Channel) {
        self.port = port
        self.listener = listener
        self.state = Mutex(State())
    }

    /// Starts relaying connections on a free local port to `host:port`.
    public static func start(to host: String, port upstreamPort: Int) async throws -> TCPForwarder {
        let group = MultiThreadedEventLoopGroup.singleton
        let box = StateBox()
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { inbound in
                box.accept(inbound, upstreamHost: host, upstreamPort: upstreamPort, group: group)
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let forwarder = TCPForwarder(port: listener.localAddress?.port ?? 0, listener: listener)
        box.forwarder.withLock { $0 = forwarder }
        return forwarder
    }

    /// Closes every relayed connection and refuses new ones until `restore()`.
    public func cut() {
        let channels = state.withLock { state -> [any Channel] in
            state.isCut = true
            defer { state.open.removeAll() }
            return Array(state.open.values)
        }
        for channel in channels { channel.close(promise: nil) }
    }

    /// Relays new connections again.
    public func restore() {
        state.withLock { $0.isCut = false }
    }

    /// Stops listening and closes every relayed connection.
    public func stop() async {
        cut()
        try? await listener.close()
    }

    fileprivate var isCut: Bool { state.withLock { $0.isCut } }

    fileprivate func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLock { $0.open[id] = channel }
        channel.closeFuture.whenComplete { [self] _ in _ = self.state.withLock { $0.open.removeValue(forKey: id) } }
    }
}

/// Lets the child-channel initializer (created before the forwarder exists) reach it.
private final class StateBox: Sendable {
    let forwarder = Mutex<TCPForwarder?>(nil)

    func accept(_ inbound: any Channel, upstreamHost: String, upstreamPort: Int, group: any EventLoopGroup) -> EventLoopFuture<Void> {
        guard let forwarder = forwarder.withLock({ $0 }), !forwarder.isCut else {
            inbound.close(promise: nil)
            return inbound.eventLoop.makeSucceededVoidFuture()
        }
        forwarder.track(inbound)
        let outbound = ClientBootstrap(group: group)
            .channelInitializer { outbound in
                outbound.pipeline.addHandler(Relay(peer: inbound))
            }
            .connect(host: upstreamHost, port: upstreamPort)
        return outbound.flatMap { outbound in
            forwarder.track(outbound)
            return inbound.pipeline.addHandler(Relay(peer: outbound)).map {
                inbound.setOption(.autoRead, value: true).whenComplete { _ in }
            }
        }.flatMapErrorThrowing { _ in
            inbound.close(promise: nil)
        }
    }
}

/// Copies what one side reads to the other side; when either side closes, so does the other.
private final class Relay: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let peer: any Channel

    init(peer: any Channel) { self.peer = peer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
