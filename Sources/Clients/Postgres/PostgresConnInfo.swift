internal import CLibPQ

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
                                message: "invalid PostgreSQL URL: \(Self.scrub(reason.trimmingNewlines, password: Self.guessPassword(raw))) "
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
    func scrub(_ message: String) -> String { Self.scrub(message, password: password) }

    static func scrub(_ message: String, password: String?) -> String {
        guard let password, !password.isEmpty else { return message }
        return message.replacing(password, with: "***")
    }

    /// The password of a string libpq could not parse, read the way a URL or conninfo spells it.
    private static func guessPassword(_ raw: String) -> String? {
        if let schemeEnd = raw.firstRange(of: "://") {
            let rest = raw[schemeEnd.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return nil }
            return String(authority[authority.index(after: colon)..<at])
        }
        guard let range = raw.firstRange(of: "password=") else { return nil }
        return String(raw[range.upperBound...].prefix { $0 != " " })
    }
}

extension String {
    /// libpq's messages end with a newline; errors read better without it.
    var trimmingNewlines: String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" || last == " " { s = s.dropLast() }
        return String(s)
    }
}
