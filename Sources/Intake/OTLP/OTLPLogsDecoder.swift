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
        var wire: [OTLPWireScan.ResourceLogs]?
        switch encoding {
        case .protobuf:
            do {
                let bytes = Array(body.readableBytesView)
                request = try Request(serializedBytes: bytes)
                wire = OTLPWireScan.scan(bytes)
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
        return OTLPLogs(events: events(of: request, wire: wire), rejected: rejected)
    }

    /// `wire`: where each message sits in the protobuf body, when it was one; otherwise (JSON, or a
    /// body the scan does not follow) the messages are serialised for their event ids.
    static func events(of request: Request, wire: [OTLPWireScan.ResourceLogs]?) -> [JSONObject] {
        let wire = wire.flatMap { matches($0, request) ? $0 : nil }
        var events: [JSONObject] = []
        for (r, resourceLogs) in request.resourceLogs.enumerated() {
            let resourceBytes = wire.map { $0[r].resource ?? [] } ?? serialized(resourceLogs.hasResource ? resourceLogs.resource : nil)
            let resource = OTLPLogMapping.Context(resource: resourceLogs.resource, bytes: resourceBytes)
            for (s, scopeLogs) in resourceLogs.scopeLogs.enumerated() {
                let scopeBytes = wire.map { $0[r].scopes[s].scope ?? [] } ?? serialized(scopeLogs.hasScope ? scopeLogs.scope : nil)
                let context = resource.with(scope: scopeLogs.scope, bytes: scopeBytes)
                for (l, record) in scopeLogs.logRecords.enumerated() {
                    let recordBytes = wire.map { $0[r].scopes[s].records[l] } ?? serialized(record)
                    events.append(OTLPLogMapping.event(record, bytes: recordBytes, context: context))
                }
            }
        }
        return events
    }

    private static func serialized(_ message: (any SwiftProtobuf.Message)?) -> ArraySlice<UInt8> {
        guard let message, let bytes: [UInt8] = try? message.serializedBytes() else { return [] }
        return bytes[...]
    }

    /// The scan found exactly the messages the decoder did.
    private static func matches(_ wire: [OTLPWireScan.ResourceLogs], _ request: Request) -> Bool {
        guard wire.count == request.resourceLogs.count else { return false }
        for (scanned, decoded) in zip(wire, request.resourceLogs) {
            guard scanned.scopes.count == decoded.scopeLogs.count,
                  zip(scanned.scopes, decoded.scopeLogs).allSatisfy({ $0.records.count == $1.logRecords.count }) else { return false }
        }
        return true
    }
}
