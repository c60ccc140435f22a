@testable import Intake
import OTLPProto
import SwiftProtobuf
import XCTest

/// The event ids hash each record's bytes as they arrived: the walk over the wire format must find
/// exactly the bytes SwiftProtobuf would write for each message, and give up on anything odd.
final class OTLPWireScanTests: XCTestCase {
    func testTheScanFindsEachMessagesOwnBytes() throws {
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        for r in 0..<2 {
            var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
            if r == 0 {
                var attribute = Opentelemetry_Proto_Common_V1_KeyValue()
                attribute.key = "service.name"
                attribute.value.stringValue = "checkout"
                resourceLogs.resource.attributes = [attribute]
            }
            resourceLogs.schemaURL = "https://opentelemetry.io/schemas/1.21.0"
            for s in 0..<2 {
                var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
                scopeLogs.scope.name = "scope \(s)"
                scopeLogs.logRecords = (0..<3).map { n in
                    var record = Opentelemetry_Proto_Logs_V1_LogRecord()
                    record.timeUnixNano = 1_764_669_600_000_000_000 + UInt64(n)
                    record.severityNumber = .warn
                    record.body.stringValue = "record \(r).\(s).\(n)"
                    record.flags = 1
                    record.traceID = Data(repeating: UInt8(n + 1), count: 16)
                    return record
                }
                resourceLogs.scopeLogs.append(scopeLogs)
            }
            request.resourceLogs.append(resourceLogs)
        }
        let bytes: [UInt8] = try request.serializedBytes()
        let scanned = try XCTUnwrap(OTLPWireScan.scan(bytes))
        XCTAssertEqual(scanned.count, 2)
        XCTAssertEqual(Array(scanned[0].resource ?? []), try request.resourceLogs[0].resource.serializedBytes() as [UInt8])
        XCTAssertNil(scanned[1].resource)  // not sent at all
        for (r, resourceLogs) in request.resourceLogs.enumerated() {
            XCTAssertEqual(scanned[r].scopes.count, 2)
            for (s, scopeLogs) in resourceLogs.scopeLogs.enumerated() {
                XCTAssertEqual(Array(scanned[r].scopes[s].scope ?? []), try scopeLogs.scope.serializedBytes() as [UInt8])
                XCTAssertEqual(scanned[r].scopes[s].records.map(Array.init), try scopeLogs.logRecords.map { try $0.serializedBytes() as [UInt8] })
            }
        }
    }

    func testOddBytesAreLeftToTheDecoder() {
        XCTAssertNil(OTLPWireScan.scan([0x0A, 0x05, 0x0A]))  // a length past the end
        XCTAssertNil(OTLPWireScan.scan([0x0B]))  // a group
        XCTAssertNil(OTLPWireScan.scan([0x0A, 0x04, 0x0A, 0x00, 0x0A, 0x00]))  // the resource twice in one ResourceLogs
        XCTAssertEqual(OTLPWireScan.scan([])?.count, 0)
    }
}
