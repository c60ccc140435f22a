import Foundation
import Hummingbird

/// A time given in a query or a form: ISO 8601 (`2026-11-25T12:00:00Z`), a date (`2026-11-25`), or a
/// browser's `datetime-local` value without zone (`2026-11-25T12:00`), read as UTC.
public enum TimeParameter {
    /// Nil for nil or empty text; a `Refusal` (400 `invalid_<key>`) for text that is no time.
    public static func parse(_ text: String?, key: String) throws -> Date? {
        guard let text, !text.isEmpty else { return nil }
        for candidate in [text, text + "T00:00:00Z", text + ":00Z", text + "Z"] {
            if let date = try? Date(candidate, strategy: .iso8601) { return date }
        }
        throw Refusal.json(.badRequest, "invalid_\(key)", "'\(key)' must be an ISO 8601 time like 2026-11-25T12:00:00Z or a date")
    }
}
