import Foundation

/// A `multipart/form-data` body (RFC 7578) with one file part, as the saved-objects import API wants
/// it (`file`, a `*.ndjson` filename).
public struct MultipartFormData: Sendable {
    public let boundary: String
    public let body: [UInt8]

    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// `boundary` is random unless given; a boundary found inside `content` is replaced by a new one.
    public init(field: String, fileName: String, fileContentType: String, content: [UInt8], boundary: String? = nil) {
        var chosen = boundary ?? Self.randomBoundary()
        while Self.contains(content, Array("--\(chosen)".utf8)) { chosen = Self.randomBoundary() }
        var body: [UInt8] = []
        body.reserveCapacity(content.count + 256)
        body += Array("--\(chosen)\r\n".utf8)
        body += Array("Content-Disposition: form-data; name=\"\(field)\"; filename=\"\(fileName)\"\r\n".utf8)
        body += Array("Content-Type: \(fileContentType)\r\n\r\n".utf8)
        body += content
        body += Array("\r\n--\(chosen)--\r\n".utf8)
        self.boundary = chosen
        self.body = body
    }

    static func randomBoundary() -> String {
        "datamp-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
