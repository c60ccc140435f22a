import Foundation
import LogModel

/// Elasticsearch's error object (`{"type":…,"reason":…,"caused_by":{…}}`), as found in bulk items and
/// in whole-request error bodies. Older servers may send a bare string instead; that becomes `reason`.
final class ElasticsearchErrorCause: Decodable, Sendable {
    let type: String?
    let reason: String?
    let causedBy: ElasticsearchErrorCause?

    private enum CodingKeys: String, CodingKey {
        case type, reason
        case causedBy = "caused_by"
    }

    init(type: String?, reason: String?, causedBy: ElasticsearchErrorCause? = nil) {
        self.type = type
        self.reason = reason
        self.causedBy = causedBy
    }

    required init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            type = nil
            reason = text
            causedBy = nil
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        causedBy = try? container.decodeIfPresent(ElasticsearchErrorCause.self, forKey: .causedBy)
    }

    /// The same from a parsed value: an object with `type`/`reason`/`caused_by`, or a bare string.
    convenience init?(json: JSONValue) {
        switch json {
        case .string(let text):
            self.init(type: nil, reason: text)
        case .object(let object):
            func text(_ key: String) -> String? { if case .string(let s)? = object[key] { s } else { nil } }
            self.init(type: text("type"), reason: text("reason"), causedBy: object["caused_by"].flatMap { ElasticsearchErrorCause(json: $0) })
        default:
            return nil
        }
    }

    /// `type: reason (caused by type: reason)`, for dead letters and logs.
    var summary: String {
        var text = [type, reason].compactMap { $0 }.joined(separator: ": ")
        if text.isEmpty { text = "no error details" }
        if let cause = causedBy, cause.reason != reason {
            text += " (caused by \(cause.summary))"
        }
        return text
    }

    /// The `error` object of a whole-request error body (`{"error":{…},"status":N}`), if there is one.
    static func fromResponseBody(_ body: [UInt8]) -> ElasticsearchErrorCause? {
        struct Envelope: Decodable { var error: ElasticsearchErrorCause? }
        return (try? JSONDecoder().decode(Envelope.self, from: Data(body)))?.error
    }
}
