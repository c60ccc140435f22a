import OTLPProto
import SwiftProtobuf

/// The bodies OTLP/HTTP answers with, in the request's encoding: `ExportLogsServiceResponse` on
/// success (`partial_success` set only when records were refused, as the spec asks: an empty one
/// means the same as none) and `google.rpc.Status` on failure.
public enum OTLPAnswer {
    /// gRPC status codes that go into `google.rpc.Status.code`.
    public enum Code: Int32, Sendable {
        case invalidArgument = 3, notFound = 5, permissionDenied = 7, resourceExhausted = 8, unavailable = 14, unauthenticated = 16
    }

    public static func exported(rejected: Int, message: String, encoding: OTLPEncoding) -> [UInt8] {
        var response = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse()
        if rejected > 0 || !message.isEmpty {
            response.partialSuccess.rejectedLogRecords = Int64(rejected)
            response.partialSuccess.errorMessage = message
        }
        return bytes(response, encoding)
    }

    public static func status(_ code: Code, message: String, encoding: OTLPEncoding) -> [UInt8] {
        var status = Google_Rpc_Status()
        status.code = code.rawValue
        status.message = message
        return bytes(status, encoding)
    }

    private static func bytes(_ message: some SwiftProtobuf.Message, _ encoding: OTLPEncoding) -> [UInt8] {
        switch encoding {
        case .protobuf: (try? message.serializedBytes()) ?? []
        case .json: (try? message.jsonUTF8Bytes()) ?? Array("{}".utf8)
        }
    }
}
