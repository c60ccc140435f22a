/// `inputs.syslog_tcp.listen`, `inputs.syslog_udp.listen` and `inputs.syslog.service`.
public struct SyslogInputConfiguration: Sendable {
    public var tcp: (host: String, port: Int)?
    public var udp: (host: String, port: Int)?
    /// Every message of both listeners belongs to this service (syslog carries no token).
    public var service: String
}
