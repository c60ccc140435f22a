public import HubKit

/// `inputs.listeners.*`: what the GELF and syslog UDP/TCP listeners share.
public struct ListenerTuning: Sendable {
    /// Bytes a listener queues between its flushes to the spool. Over it a TCP connection stops being
    /// read (the sender blocks) and a UDP datagram is dropped (`queue_full`).
    public var queueBytes = 64 << 20
    /// The `SO_RCVBUF` a UDP listener asks for; Linux grants at most `net.core.rmem_max`.
    public var udpReceiveBufferBytes = 8 << 20

    public init() {}

    static func read(_ r: ConfigurationReader) -> ListenerTuning {
        var tuning = ListenerTuning()
        tuning.queueBytes = r.int("inputs.listeners.queue_bytes", env: "ADMIN_INPUTS_LISTENERS_QUEUE_BYTES", default: tuning.queueBytes,
                                  range: (64 << 10)...(1 << 30),
                                  help: "bytes a GELF/syslog listener queues between flushes; over it TCP stops reading, UDP drops (queue_full)")
        tuning.udpReceiveBufferBytes = r.int("inputs.listeners.udp_receive_buffer_bytes", env: "ADMIN_INPUTS_LISTENERS_UDP_RECEIVE_BUFFER_BYTES",
                                             default: tuning.udpReceiveBufferBytes, range: (64 << 10)...(1 << 30),
                                             help: "SO_RCVBUF of the GELF/syslog UDP listeners (Linux caps it at net.core.rmem_max)")
        return tuning
    }
}
