import Operations
import XCTest

final class AuditChainTests: XCTestCase {
    func chain(_ count: Int) -> [AuditRecord] {
        var previous = AuditChain.genesis
        return (1...count).map { n in
            let record = AuditChain.sealed(AuditRecord(id: Int64(n), atMicros: 1_700_000_000_000_000 + Int64(n), operationID: 7,
                                                       event: "requested", actorID: 3, actor: "m@x.test", shopID: "s1", operation: "top_up",
                                                       parameters: #"{"amount":"1.00"}"#), after: previous)
            previous = record.hash
            return record
        }
    }

    func testAnUntouchedChainVerifies() {
        var walker = AuditChain.Walker()
        for record in chain(5) { XCTAssertNil(walker.check(record)) }
        XCTAssertEqual(walker.count, 5)
        XCTAssertEqual(chain(1)[0].previousHash, AuditChain.genesis)
        XCTAssertEqual(chain(1)[0].hash.count, 64)
    }

    func testAChangedRowIsNamed() {
        var records = chain(5)
        records[2].parameters = #"{"amount":"1000000.00"}"#
        var walker = AuditChain.Walker()
        let found = records.lazy.compactMap { walker.check($0) }.first
        XCTAssertEqual(found?.id, 3)
        guard case .hashMismatch? = found else { return XCTFail("expected a hash mismatch, got \(String(describing: found))") }
    }

    func testARemovedRowIsNamedByTheNextOne() {
        var records = chain(5)
        records.remove(at: 1)
        var walker = AuditChain.Walker()
        let found = records.lazy.compactMap { walker.check($0) }.first
        XCTAssertEqual(found?.id, 3)
        guard case .previousHashMismatch? = found else { return XCTFail("expected a previous-hash mismatch") }
    }
}
