import Foundation

/// Where a page ended: the last hit's (`@timestamp` in milliseconds, `event.id`), the
/// `search_after` values of the next page, plus the point in time when the server has one.
/// Opaque to clients (base64url of a small JSON array).
public struct SearchCursor: Sendable, Equatable {
    public var timestampMillis: Int64
    public var eventID: String
    public var pointInTime: String?

    public init(timestampMillis: Int64, eventID: String, pointInTime: String? = nil) {
        self.timestampMillis = timestampMillis
        self.eventID = eventID
        self.pointInTime = pointInTime
    }

    public var encoded: String {
        var parts: [Any] = [timestampMillis, eventID]
        if let pointInTime { parts.append(pointInTime) }
        let data = (try? JSONSerialization.data(withJSONObject: parts)) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Nil when `text` is not a cursor this server issued.
    public init?(encoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard text.count <= 4096, let data = Data(base64Encoded: base64),
              let parts = try? JSONSerialization.jsonObject(with: data) as? [Any], parts.count == 2 || parts.count == 3,
              let millis = (parts[0] as? NSNumber)?.int64Value, let id = parts[1] as? String
        else { return nil }
        timestampMillis = millis
        eventID = id
        pointInTime = parts.count == 3 ? parts[2] as? String : nil
    }
}
