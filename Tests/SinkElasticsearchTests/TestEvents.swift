import Foundation
import LogModel

/// Stored documents shaped like ingest-contract.md's "The stored document", wrapped as spooled events.
enum TestEvents {
    static let dayMillis: Int64 = 86_400_000
    /// 2026-11-25T10:05:00.123Z
    static let referenceMillis: Int64 = 1_795_601_100_123

    static func document(id: String, millis: Int64, message: String = "payment failed for shop 42") -> [String: Any] {
        [
            "@timestamp": isoString(millis),
            "event": ["id": id, "ingested": isoString(millis + 78), "dataset": "core"],
            "log": ["level": "error", "logger": "billing.views"],
            "service": ["name": "core", "environment": "production"],
            "host": ["name": "core-web-3"],
            "message": message,
            "trace": ["id": "4bf92f3577b34da6a3ce929d0e0e4736"],
            "http": ["request": ["id": "r-9f2"]],
            "error": ["type": "ValueError", "message": "card declined", "stack_trace": "Traceback (most recent call last):\n  ...\nValueError: card declined"],
            "labels": ["shop_id": "42"],
            "attributes": ["order": ["items": 3]],
        ]
    }

    static func event(id: String = newID(), millis: Int64 = referenceMillis, document: [String: Any]? = nil) -> SpooledEvent {
        let body = document ?? self.document(id: id, millis: millis)
        let json = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return SpooledEvent(id: id, timestampMillis: millis, json: Array(json))
    }

    static func newID() -> String { UUID().uuidString.lowercased() }

    static func isoString(_ millis: Int64) -> String {
        Date(timeIntervalSince1970: Double(millis) / 1000)
            .formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
}
