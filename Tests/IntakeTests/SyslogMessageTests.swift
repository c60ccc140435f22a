import Intake
import LogModel
import NIOCore
import Transforms
import XCTest

/// Syslog messages as daemons send them (RFC 5424 and the BSD format of RFC 3164), read into events
/// the intake then normalises.
final class SyslogMessageTests: XCTestCase {
    /// 2026-12-02T12:00:00Z
    private let noon: Int64 = 1_796_212_800_000_000

    private func normalized(_ text: String, now: Int64? = nil) throws -> JSONObject {
        let event = try SyslogMessage.event(from: ByteBuffer(string: text), maxBytes: 1 << 20, now: { now ?? self.noon }).get()
        return try EventNormalizer().normalize(event, context: IngestContext(serviceName: "edge")).document
    }

    func testRFC5424WithStructuredData() throws {
        let document = try normalized(#"<165>1 2026-12-02T10:07:01.123Z web-3 billing 4242 PAY01 [origin@32473 ip="203.0.113.7" note="a \"quoted\" ]"][meta seq="7"] "# + "\u{FEFF}payment failed\n")
        XCTAssertEqual(document["message"], "payment failed")  // the BOM is not part of the text
        XCTAssertEqual(document["log"]?["level"], "notice")  // 165 = local4.notice
        XCTAssertEqual(document["log"]?["logger"], "billing")
        XCTAssertEqual(document["host"]?["name"], "web-3")
        XCTAssertEqual(document["@timestamp"], "2026-12-02T10:07:01.123Z")
        XCTAssertEqual(document["labels"]?["facility"], "local4")
        XCTAssertEqual(document["labels"]?["procid"], "4242")
        XCTAssertEqual(document["labels"]?["msgid"], "PAY01")
        XCTAssertEqual(document["labels"]?["origin@32473_ip"], "203.0.113.7")
        XCTAssertEqual(document["labels"]?["origin@32473_note"], #"a "quoted" ]"#)
        XCTAssertEqual(document["labels"]?["meta_seq"], "7")
    }

    func testRFC5424WithNilFields() throws {
        let document = try normalized("<11>1 - - - - - - disk failing")
        XCTAssertEqual(document["message"], "disk failing")
        XCTAssertEqual(document["log"]?["level"], "error")  // user.err
        XCTAssertNil(document["host"])
    }

    func testRFC3164AsBSDDaemonsSendIt() throws {
        let document = try normalized("<38>Dec  2 10:07:01 gate-1 sshd[981]: Accepted publickey for ann")
        XCTAssertEqual(document["message"], "Accepted publickey for ann")
        XCTAssertEqual(document["log"]?["level"], "info")  // auth.info
        XCTAssertEqual(document["log"]?["logger"], "sshd")
        XCTAssertEqual(document["labels"]?["procid"], "981")
        XCTAssertEqual(document["host"]?["name"], "gate-1")
        XCTAssertEqual(document["@timestamp"], "2026-12-02T10:07:01.000Z")
    }

    func testADecemberMessageReadInJanuaryIsLastYears() throws {
        let newYear: Int64 = 1_767_225_600_000_000  // 2026-01-01T00:00:00Z
        let document = try normalized("<13>Dec 31 23:59:59 host app: late", now: newYear)
        XCTAssertEqual(document["@timestamp"], "2025-12-31T23:59:59.000Z")
    }

    func testWhatIsNotSyslogIsKeptWhole() throws {
        let document = try normalized("just a line from netcat")
        XCTAssertEqual(document["message"], "just a line from netcat")
        XCTAssertEqual(document["log"]?["level"], "notice")
        let noTag = try normalized("<13>Dec  2 10:07:01 host no tag here")
        XCTAssertEqual(noTag["message"], "no tag here")
        let badPriority = try normalized("<999>1 - - - - - - x")
        XCTAssertEqual(badPriority["message"], "<999>1 - - - - - - x")
        guard case .failure = SyslogMessage.event(from: ByteBuffer(string: "x"), maxBytes: 0) else { return XCTFail("over the limit accepted") }
    }
}
