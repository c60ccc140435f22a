public import LogModel
public import NIOCore
import OTLPProto
import SwiftProtobuf

/// An OTLP/HTTP logs request that could not be read at all (the spec's 400: nothing is stored).
public struct OTLPDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The records of one export request as events of the ingest contract, in request order.
public struct OTLPLogs: Sendable {
    public var events: [JSONObject]
    /// Why each record left out while decoding was malformed (OTLP/JSON only: a protobuf body
    /// either decodes as a whole or not at all).
    public var rejected: [String]

    /// The events as NDJSON for the intake, one line each.
    public var ndjson: ByteBuffer {
        var out: [UInt8] = []
        for event in events {
            JSONValue.object(event).write(into: &out)
            out.append(UInt8(ascii: "\n"))
        }
        return ByteBuffer(bytes: out)
    }
}

/// Decodes `POST /v1/logs` bodies (plain: the route inflates gzip first). No HTTP here.
public enum OTLPLogsDecoder {
    typealias Request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest

    public static func decode(_ body: ByteBuffer, encoding: OTLPEncoding) throws(OTLPDecodingError) -> OTLPLogs {
        let request: Request
        var rejected: [String] = []
        switch encoding {
        case .protobuf:
            do {
                request = try Request(serializedBytes: Array(body.readableBytesView))
            } catch {
                throw OTLPDecodingError(message: "the body is not a protobuf ExportLogsServiceRequest (\(error))")
            }
        case .json:
            let value: JSONValue
            do {
                value = try body.withUnsafeReadableBytes { bytes throws(JSONParseError) in try JSONParser.parse(bytes, maxDepth: 160) }
            } catch {
                throw OTLPDecodingError(message: "the body is not valid JSON: \(error.message)")
            }
            do throws(OTLPJSONReader.Failure) {
                (request, rejected) = try OTLPJSONReader.read(value)
            } catch {
                throw OTLPDecodingError(message: error.message)
            }
        }
        return OTLPLogs(events: events(of: request), rejected: rejected)
    }

    static func events(of request: Request) -> [JSONObject] {
        var events: [JSONObject] = []
        for resourceLogs in request.resourceLogs {
            let resource = OTLPLogMapping.Context(resource: resourceLogs.resource, hasResource: resourceLogs.hasResource)
            for scopeLogs in resourceLogs.scopeLogs {
                let context = resource.with(scope: scopeLogs.scope, hasScope: scopeLogs.hasScope)
                for record in scopeLogs.logRecords { events.append(OTLPLogMapping.event(record, context: context)) }
            }
        }
        return events
    }
}
