internal import CLibPQ
internal import Secrets

/// A checked connection string: a `postgresql://` / `postgres://` URL or a `key=value` conninfo string
/// (libpq parses both). Keeps the password only to scrub it from messages libpq produces.
struct PostgresConnInfo: Sendable {
    let raw: String
    let password: String?
    /// Host, port, database and user, for logs and errors (never the password).
    let summary: String

    init(_ raw: String) throws(PostgresError) {
        self.raw = raw
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(raw, &errorMessage) else {
            let reason = errorMessage.map { String(cString: $0) } ?? "cannot parse the connection string"
            if let errorMessage { PQfreemem(errorMessage) }
            throw PostgresError(kind: .invalidConfiguration,
                                message: "invalid PostgreSQL URL: \(CredentialRedaction.redact(secret: CredentialRedaction.password(in: raw), in: reason.trimmingNewlines)) "
                                    + "(expected postgresql://user:password@host:port/database?options or host=... dbname=...)")
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        password = values["password"]
        summary = "host=\(values["host"] ?? values["hostaddr"] ?? "(default)") port=\(values["port"] ?? "(default)") "
            + "dbname=\(values["dbname"] ?? "(default)") user=\(values["user"] ?? "(default)")"
    }

    /// Replaces the password wherever a message echoes it.
    func scrub(_ message: String) -> String { CredentialRedaction.redact(secret: password, in: message) }
}

extension String {
    /// libpq's messages end with a newline; errors read better without it.
    var trimmingNewlines: String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" || last == " " { s = s.dropLast() }
        return String(s)
    }
}
