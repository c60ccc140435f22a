import Foundation
public import Hummingbird
public import LogModel

/// The fields of a request body, sent as JSON (API clients) or as an HTML form
/// (`application/x-www-form-urlencoded`, the web pages). Handlers read fields by name and need not
/// care which; `isForm` tells them to answer with a page or a redirect instead of JSON.
public struct RequestInput: Sendable {
    /// Bodies of the staff API are small; anything larger is refused before parsing.
    public static let maximumBytes = 64 << 10

    public let isForm: Bool
    public let object: JSONObject
    private let form: [String: [String]]

    public static let empty = RequestInput(isForm: false, object: [:], form: [:])

    private init(isForm: Bool, object: JSONObject, form: [String: [String]]) {
        self.isForm = isForm
        self.object = object
        self.form = form
    }

    /// Reads and parses the body; throws a `Refusal` (413, 415, 400) the client can act on.
    public static func read(_ request: Request) async throws -> RequestInput {
        let contentType = (request.headers[.contentType] ?? "").lowercased()
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maximumBytes) } catch {
            throw Refusal.json(.contentTooLarge, "body_too_large", "the body is larger than \(maximumBytes) bytes")
        }
        let bytes = Array(buffer: buffer)
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            return RequestInput(isForm: true, object: [:], form: parseForm(String(decoding: bytes, as: UTF8.self)))
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .empty }
        guard contentType.isEmpty || contentType.hasPrefix("application/json") else {
            throw Refusal.json(.unsupportedMediaType, "unsupported_content_type",
                               "send JSON (Content-Type: application/json) or an HTML form (application/x-www-form-urlencoded)")
        }
        guard let parsed = try? JSONParser.parse(bytes), case .object(let object) = parsed else {
            throw Refusal.json(.badRequest, "invalid_json", "the body must be a JSON object")
        }
        return RequestInput(isForm: false, object: object, form: [:])
    }

    /// A text field; nil when absent (or not a string in JSON).
    public func string(_ key: String) -> String? {
        if isForm { return form[key]?.first }
        return object[key]?.stringValue
    }

    /// A list of texts: a JSON array of strings, or a repeated form field (checkboxes). Nil when absent.
    public func strings(_ key: String) throws -> [String]? {
        if isForm { return form[key] ?? form[key + "[]"] }
        guard let value = object[key] else { return nil }
        guard case .array(let items) = value else {
            throw Refusal.json(.badRequest, "invalid_\(key)", "'\(key)' must be an array of strings")
        }
        return try items.map { item in
            guard let text = item.stringValue else { throw Refusal.json(.badRequest, "invalid_\(key)", "'\(key)' must be an array of strings") }
            return text
        }
    }

    /// A whole number: a JSON integer or a form field of digits. Nil when absent or empty.
    public func int64(_ key: String) throws -> Int64? {
        if isForm {
            guard let text = form[key]?.first?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let value = Int64(text) else { throw Refusal.json(.badRequest, "invalid_\(key)", "'\(key)' must be a whole number") }
            return value
        }
        switch object[key] {
        case nil, .null?: return nil
        case .int(let value)?: return value
        default: throw Refusal.json(.badRequest, "invalid_\(key)", "'\(key)' must be a whole number")
        }
    }

    /// A request's query string read as a browser's form writes it (`+` is a space, which Hummingbird's
    /// `queryParameters` leaves as is): the first value of each name.
    public static func query(of request: Request) -> [String: String] {
        parseForm(request.uri.query ?? "").compactMapValues(\.first)
    }

    /// `a=1&b=two+words&c=%C3%A9` -> fields; a repeated name keeps every value in order.
    public static func parseForm(_ text: String) -> [String: [String]] {
        var fields: [String: [String]] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            fields[name, default: []].append(value)
        }
        return fields
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
