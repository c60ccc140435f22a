import OTLPProto

/// OpenTelemetry's severity numbers in the hub's level names: each range of four (TRACE..TRACE4,
/// DEBUG..DEBUG4, …) is one level; FATAL is `critical`, the hub's name for it.
enum OTLPSeverity {
    static func level(_ number: Opentelemetry_Proto_Logs_V1_SeverityNumber) -> String? {
        switch number.rawValue {
        case 1...4: "trace"
        case 5...8: "debug"
        case 9...12: "info"
        case 13...16: "warning"
        case 17...20: "error"
        case 21...24: "critical"
        default: nil
        }
    }
}
