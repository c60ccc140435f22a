public import Hummingbird
public import NIOCore

/// Per-request context: Hummingbird's core storage plus the client's address, which the intake
/// records on every event (`ingest.client_ip`) and the identity area will use for throttling.
public struct HubRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text, without the port.
    public var clientIP: String? { remoteAddress?.ipAddress }
}
