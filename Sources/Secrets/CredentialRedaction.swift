/// The one place that hides credentials inside URLs, DSNs, connection strings and free text
/// (error messages, log values). Every client, the configuration printer and the ingest
/// transforms use it, so a password is masked the same way wherever it shows up.
///
/// What is masked, always with ``mask`` (`[REDACTED]`, the mask the ingest contract uses for
/// secret values):
/// - the password of a URL's userinfo: `scheme://user:pw@host` → `scheme://user:[REDACTED]@host`
///   (`mongodb://u:p@h1,h2/db?x`, `postgresql://u:p@h/db`, `redis://:p@h` alike). The userinfo
///   ends at the *last* `@` before the path, so an unencoded `@` in the password is covered;
///   `/`, `?` and `#` in a password must be percent-encoded (RFC 3986 §3.2.1, and libpq and
///   libmongoc require it too), otherwise the rest of the password is read as the path.
///   A URL without a password (`scheme://user@host`, `https://host/a@b`) is left unchanged.
/// - the value of every `password=` / `passwd=` pair, in any letter case and with spaces allowed
///   around `=` (libpq conninfo: `host=h password=secret`, `password = 'quoted \' secret'`;
///   URL query strings: `?password=x&y=1`; environment dumps: `DB_PASSWORD=x`). A quoted value
///   is masked with its quotes; an unquoted one runs to the next space (and in a query string
///   to the next `&` or `#`).
///
/// Text without `://` plus `@`, and without `d=`, is returned as it is after one scan of its bytes.
/// Masking is idempotent: a password that already reads `[REDACTED]` is left and not counted.
public enum CredentialRedaction {
    /// What a hidden password is replaced with.
    public static let mask = "[REDACTED]"

    /// `text` with every URL password and `password=` value masked; unchanged when there is none.
    /// Works on a single URL, a conninfo string, or any text that may contain them.
    public static func redactCredentials(in text: String) -> String {
        redactingCredentials(in: text)?.text ?? text
    }

    /// The masked text and how many credentials were masked, or `nil` when there were none (the
    /// common case, without allocating): for callers that count redactions.
    public static func redactingCredentials(in text: String) -> (text: String, count: Int)? {
        var text = text
        return text.withUTF8 { bytes in
            // Already masked (the hub's own log lines, a second pass) is not masked or counted again.
            let spans = CredentialSpans.find(in: bytes).filter { !isMask(UnsafeBufferPointer(rebasing: bytes[$0])) }
            guard !spans.isEmpty else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + spans.count * mask.utf8.count)
            var copied = 0
            for span in spans {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<span.lowerBound]))
                out.append(contentsOf: mask.utf8)
                copied = span.upperBound
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
            return (String(decoding: out, as: UTF8.self), spans.count)
        }
    }

    private static func isMask(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.elementsEqual(mask.utf8)
    }

    /// The password a URL or conninfo string carries (the first one found, quotes and conninfo
    /// escapes removed), or `nil`: lets a client scrub a password a library echoes back even
    /// when the library could not parse the string.
    public static func password(in connectionString: String) -> String? {
        var text = connectionString
        return text.withUTF8 { bytes -> String? in
            guard let span = CredentialSpans.find(in: bytes).first else { return nil }
            return CredentialSpans.unquoted(UnsafeBufferPointer(rebasing: bytes[span]))
        }
    }

    /// `text` with every occurrence of a known `secret` (a password a library may echo in its
    /// messages) replaced by ``mask``. An empty or missing secret changes nothing.
    public static func redact(secret: String?, in text: String) -> String {
        guard let secret, !secret.isEmpty, text.contains(secret) else { return text }
        return text.replacing(secret, with: mask)
    }
}
