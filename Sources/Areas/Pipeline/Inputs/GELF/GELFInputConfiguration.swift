/// `inputs.gelf_http.*`, `inputs.gelf_udp.*`, `inputs.gelf_tcp.*`.
public struct GELFInputConfiguration: Sendable {
    public struct Listener: Sendable {
        public var host: String
        public var port: Int
        /// Every message of the listener belongs to this service (UDP and TCP carry no token).
        public var service: String
    }

    /// `POST /gelf` (token as Bearer, or as `?token=` for clients that cannot set headers).
    public var httpEnabled: Bool
    public var udp: Listener?
    public var tcp: Listener?
}
