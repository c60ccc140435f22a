public import ClientMongo
public import Sinks

/// Turns what MongoDB said about one `insert_many` into one outcome per event (protocols.md 4.3, 5.3):
/// inserted -> stored; 11000 -> already stored; other write errors -> reject (or retry for the few
/// codes that mean "the server is changing state"); write-concern errors -> retry everything not
/// rejected (written, but durability unconfirmed); a failed batch -> retry everything not decided,
/// reported as a request failure whose kind says whether an operator must act (e.g. Unauthorized).
public enum MongoDeliveryClassifier {
    /// - Parameter count: how many documents were sent; indexes in `result` refer to them.
    public static func report(for result: InsertManyResult, count: Int) -> DeliveryReport {
        let items = outcomes(for: result, count: count)
        guard let batchError = result.batchError else { return DeliveryReport(items: items) }
        return DeliveryReport(items: items, requestFailure: MongoErrorKind.of(batchError))
    }

    /// - Parameter count: how many documents were sent; indexes in `result` refer to them.
    public static func outcomes(for result: InsertManyResult, count: Int) -> [ItemOutcome] {
        var outcomes = [ItemOutcome?](repeating: nil, count: count)
        for invalid in result.invalidDocuments where invalid.index < count {
            outcomes[invalid.index] = .reject(reason: "mongodb refused the document before sending: \(invalid.reason)")
        }
        for writeError in result.writeErrors where writeError.index < count {
            if writeError.isDuplicateKey {
                outcomes[writeError.index] = .alreadyStored
            } else if MongoError.isTransientServerCode(UInt32(clamping: writeError.code)) {
                outcomes[writeError.index] = .retry(reason: "mongodb write error \(writeError.code): \(writeError.message)")
            } else {
                outcomes[writeError.index] = .reject(reason: "mongodb write error \(writeError.code): \(writeError.message)")
            }
        }
        if let batchError = result.batchError {
            let reason = "mongodb unavailable: \(batchError.message) (\(batchError.domain).\(batchError.code))"
            return outcomes.map { $0 ?? .retry(reason: reason) }
        }
        if let concern = result.writeConcernErrors.first {
            let reason = "mongodb write concern not satisfied \(concern.code): \(concern.message)"
            return outcomes.map { outcome in
                if case .reject? = outcome { return outcome! }
                return .retry(reason: reason)
            }
        }
        return outcomes.map { $0 ?? .stored }
    }
}
