import ClientMongo
import Sinks
import SinkMongoDB
import XCTest

/// The per-item rules of protocols.md 4.3 / 5.3, without a server.
final class MongoDeliveryClassifierTests: XCTestCase {
    func testInsertedDuplicateAndRejectedItemsAreToldApart() {
        let result = InsertManyResult(insertedCount: 2, writeErrors: [
            .init(index: 1, code: 11000, message: "E11000 duplicate key"),
            .init(index: 3, code: 121, message: "Document failed validation"),
        ], invalidDocuments: [.init(index: 4, reason: "document is 17000000 bytes")])
        let outcomes = MongoDeliveryClassifier.outcomes(for: result, count: 5)
        XCTAssertEqual(outcomes[0], .stored)
        XCTAssertEqual(outcomes[1], .alreadyStored)
        XCTAssertEqual(outcomes[2], .stored)
        XCTAssertEqual(outcomes[3], .reject(reason: "mongodb write error 121: Document failed validation"))
        guard case .reject = outcomes[4] else { return XCTFail("an oversized document is rejected, not retried") }
    }

    func testWriteConcernErrorRetriesEveryItemNotRejected() {
        let result = InsertManyResult(insertedCount: 2, writeErrors: [
            .init(index: 0, code: 11000, message: "dup"), .init(index: 2, code: 2, message: "bad value"),
        ], writeConcernErrors: [.init(code: 64, message: "waiting for replication timed out")])
        let outcomes = MongoDeliveryClassifier.outcomes(for: result, count: 4)
        XCTAssertEqual(outcomes[2], .reject(reason: "mongodb write error 2: bad value"))
        for index in [0, 1, 3] {
            guard case .retry = outcomes[index] else { return XCTFail("item \(index) must be retried: \(outcomes[index])") }
        }
    }

    func testFailedBatchRetriesEverythingUndecided() {
        let down = MongoError(domain: MongoError.Domain.serverSelection, code: 13, message: "No suitable servers found")
        let result = InsertManyResult(writeErrors: [.init(index: 1, code: 11000, message: "dup")], batchError: down)
        let outcomes = MongoDeliveryClassifier.outcomes(for: result, count: 3)
        XCTAssertEqual(outcomes[1], .alreadyStored)
        XCTAssertEqual(outcomes[0], .retry(reason: "mongodb unavailable: No suitable servers found (15.13)"))
        XCTAssertEqual(outcomes[2], outcomes[0])
    }

    func testWriteErrorsThatMeanTheServerIsChangingStateAreRetried() {
        let result = InsertManyResult(writeErrors: [.init(index: 0, code: 10107, message: "not writable primary")])
        guard case .retry = MongoDeliveryClassifier.outcomes(for: result, count: 1)[0] else {
            return XCTFail("NotWritablePrimary is transient")
        }
    }

    func testAFailedBatchIsATransientRequestFailureWhenTheServerIsUnreachable() {
        let down = MongoError(domain: MongoError.Domain.serverSelection, code: 13, message: "No suitable servers found")
        let report = MongoDeliveryClassifier.report(for: InsertManyResult(batchError: down), count: 2)
        XCTAssertEqual(report.requestFailure, .transient)
    }

    func testRefusedAuthenticationAndMissingPrivilegesAreConfigurationFailures() {
        let cases = [
            MongoError(domain: MongoError.Domain.server, code: 18, message: "Authentication failed."),
            MongoError(domain: MongoError.Domain.server, code: 13, message: "not authorized on datamp to execute command { insert: ... }"),
            MongoError(domain: MongoError.Domain.client, code: 11, message: "Authentication failed."),
            MongoError(domain: MongoError.Domain.protocol, code: 15, message: "Server at localhost:27017 reports wire version 2, but this version of libmongoc requires at least 6"),
        ]
        for error in cases {
            XCTAssertEqual(MongoErrorKind.of(error), .configuration, "\(error)")
            XCTAssertEqual(MongoDeliveryClassifier.report(for: InsertManyResult(batchError: error), count: 1).requestFailure, .configuration)
        }
        XCTAssertNil(MongoDeliveryClassifier.report(for: InsertManyResult(insertedCount: 1), count: 1).requestFailure)
    }
}
