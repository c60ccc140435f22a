import ClientHTTP
import Foundation

/// One import of saved objects into OpenSearch Dashboards or Kibana:
/// `POST <url>[/s/<space>]/api/saved_objects/_import?overwrite=true` with the NDJSON as the `file`
/// part of a multipart form, and both products' CSRF headers (`osd-xsrf`, `kbn-xsrf`) so that one
/// request works against either.
public struct SavedObjectsImport: Sendable {
    public enum Credentials: Sendable, Equatable {
        case none
        /// HTTP Basic (the security plugin's internal users, Kibana's native realm).
        case basic(user: String, password: String)
        /// Kibana's API keys: `Authorization: ApiKey <base64 id:key>`, sent as given.
        case apiKey(String)
    }

    public var baseURL: String
    /// A Kibana space; nil = the default space.
    public var space: String?
    public var credentials: Credentials
    public var ndjson: [UInt8]
    public var fileName: String
    public var timeout: Duration

    public init(baseURL: String, space: String? = nil, credentials: Credentials = .none,
                ndjson: [UInt8] = SavedObjectsBundle.ndjson, fileName: String = SavedObjectsBundle.fileName,
                timeout: Duration = .seconds(60)) {
        self.baseURL = baseURL
        self.space = space
        self.credentials = credentials
        self.ndjson = ndjson
        self.fileName = fileName
        self.timeout = timeout
    }

    /// What is wrong with the options before anything is sent, or nil.
    public var problem: String? {
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host != nil else { return "--url must be an http:// or https:// URL, got '\(baseURL)'" }
        if url.query != nil { return "--url must not carry a query (give the base URL, e.g. http://localhost:5601)" }
        if let space, space.isEmpty || !space.utf8.allSatisfy({ Self.spaceCharacters.contains($0) }) {
            return "--space must be a space id: lowercase letters, digits, '_' and '-', got '\(space)'"
        }
        if ndjson.isEmpty { return "the NDJSON to import is empty" }
        return nil
    }

    private static let spaceCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789_-".utf8)

    /// `<url>[/s/<space>]/api/saved_objects/_import?overwrite=true`; a base path in `url` (a proxy's
    /// `/kibana`) is kept.
    public var importURL: String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if let space { base += "/s/\(space)" }
        return base + "/api/saved_objects/_import?overwrite=true"
    }

    /// `importURL` without a password, for output.
    public var displayURL: String { HTTPRequest.withoutCredentials(importURL) }

    public func httpRequest(boundary: String? = nil) -> HTTPRequest {
        let form = MultipartFormData(field: "file", fileName: fileName, fileContentType: "application/ndjson",
                                     content: ndjson, boundary: boundary)
        var headers: HTTPHeaders = [
            "Content-Type": form.contentType,
            "Accept": "application/json",
            "osd-xsrf": "true",
            "kbn-xsrf": "true",
        ]
        switch credentials {
        case .none: break
        case .basic(let user, let password):
            headers.add(name: "Authorization", value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        case .apiKey(let key):
            headers.add(name: "Authorization", value: "ApiKey " + key)
        }
        return HTTPRequest(method: .post, url: importURL, headers: headers, body: form.body, timeout: timeout)
    }

    /// Sends the import and reads the answer. Throws when the server cannot be reached, answers other
    /// than 2xx, or answers something that is not an import result; per-object errors come back in
    /// the result (`failed`).
    public func run(client: HTTPClient) async throws(SavedObjectsImportError) -> SavedObjectsImportResult {
        let request = httpRequest()
        let response: HTTPResponse
        do {
            response = try await client.execute(request)
        } catch {
            throw .unreachable(url: request.displayURL, message: error.description)
        }
        guard response.isSuccess else {
            throw .status(response.status, url: request.displayURL, body: response.bodyText)
        }
        guard let result = SavedObjectsImportResult(answer: response.body) else {
            throw .invalidAnswer(url: request.displayURL, body: response.bodyText)
        }
        return result
    }
}

/// Why an import did not even produce a per-object result.
public enum SavedObjectsImportError: Error, Sendable, CustomStringConvertible {
    case unreachable(url: String, message: String)
    case status(Int, url: String, body: String)
    case invalidAnswer(url: String, body: String)

    public var description: String {
        switch self {
        case .unreachable(_, let message):
            return "cannot reach the server: \(message)"
        case .status(let status, let url, let body):
            return "POST \(url) answered HTTP \(status): \(Self.excerpt(body))"
        case .invalidAnswer(let url, let body):
            return "POST \(url) answered 2xx but not with a saved-objects import result: \(Self.excerpt(body))"
        }
    }

    static func excerpt(_ body: String) -> String {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return "(empty body)" }
        return trimmed.count > 2000 ? String(trimmed.prefix(2000)) + "…" : trimmed
    }
}

extension SavedObjectsImport {
    /// Runs the import with a client of its own (the CLI's case: one request, then exit).
    public func run(caBundlePath: String?) async throws(SavedObjectsImportError) -> SavedObjectsImportResult {
        let client: HTTPClient
        do {
            client = try HTTPClient(configuration: HTTPClientConfiguration(userAgent: "datamp-admin-dashboards/1", caBundlePath: caBundlePath))
        } catch {
            throw .unreachable(url: displayURL, message: error.description)
        }
        defer { client.shutdown() }
        return try await run(client: client)
    }
}
