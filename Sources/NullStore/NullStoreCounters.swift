import Foundation
import Synchronization

/// What the null store took since it started (served at `GET /_null/stats`).
final class NullStoreCounters: Sendable {
    let bulkRequests = Atomic<Int>(0)
    let bulkItems = Atomic<Int>(0)
    let mongoInserts = Atomic<Int>(0)
    let mongoDocuments = Atomic<Int>(0)
    private let requestIDs = Atomic<Int32>(1)
    private let connections = Atomic<Int32>(0)
    private let seen = Mutex<Set<String>>([])

    func bulk(items: Int) {
        bulkRequests.add(1, ordering: .relaxed)
        bulkItems.add(items, ordering: .relaxed)
    }

    func mongoInserted(_ count: Int) {
        mongoInserts.add(1, ordering: .relaxed)
        mongoDocuments.add(count, ordering: .relaxed)
    }

    func nextRequestID() -> Int32 { requestIDs.add(1, ordering: .relaxed).newValue }
    func nextConnection() -> Int32 { connections.add(1, ordering: .relaxed).newValue }

    /// Logs what the store does not know, once per kind, so that what a client sends can be found out.
    func unknown(_ what: String) {
        guard seen.withLock({ $0.insert(what).inserted }) else { return }
        FileHandle.standardError.write(Data("null-store: unknown \(what), answered ok\n".utf8))
    }

    var json: String {
        #"{"bulk_requests":\#(bulkRequests.load(ordering: .relaxed)),"bulk_items":\#(bulkItems.load(ordering: .relaxed)),"#
            + #""mongo_inserts":\#(mongoInserts.load(ordering: .relaxed)),"mongo_documents":\#(mongoDocuments.load(ordering: .relaxed))}"#
    }
}
