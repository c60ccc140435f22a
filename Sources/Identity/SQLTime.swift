import ClientPostgres
import Foundation

/// Timestamps cross the libpq boundary as seconds since the epoch (float8), in both directions:
/// exact to the microsecond, free of time-zone and format questions.
enum SQLTime {
    /// The text of a `$n` parameter read by `to_timestamp($n::float8)`.
    static func parameter(_ date: Date) -> String { String(date.timeIntervalSince1970) }

    /// A select-list expression returning `column` as epoch seconds under the name `alias`.
    static func select(_ column: String, as alias: String) -> String {
        "extract(epoch from \(column))::float8 AS \(alias)"
    }
}

extension PostgresRow {
    /// A column selected with `SQLTime.select`, as a date; nil for NULL.
    func date(_ column: String) throws(PostgresError) -> Date? {
        try double(column).map { Date(timeIntervalSince1970: $0) }
    }

    /// An int8 column as Int64; nil for NULL.
    func int64(_ column: String) throws(PostgresError) -> Int64? {
        try int(column).map { Int64($0) }
    }
}

extension Duration {
    /// The duration in seconds, for date arithmetic.
    var seconds: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
