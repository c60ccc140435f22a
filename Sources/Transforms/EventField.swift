/// One row (or part of a row) of the contract's "Event fields accepted" table.
enum EventField: Int, CaseIterable {
    case time, level, message, service, environment, logger
    case traceID, spanID, requestID, userID, shopID
    case errorType, errorMessage, errorStack
    case host, eventID, dataset
}
