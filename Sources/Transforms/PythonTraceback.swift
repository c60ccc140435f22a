/// Reads the exception type and message out of a formatted Python traceback.
///
/// Python prints the raised exception after the last `Traceback (most recent call last):` block
/// (chained tracebacks — "During handling of the above exception, another exception occurred:"
/// and "The above exception was the direct cause of the following exception:" — put the one
/// finally raised last). After that header come the frames, all indented; the first line at
/// column 0 starts the exception: `module.Type: message`, or just `Type` when the message is
/// empty. Messages may continue over further lines (psycopg's "Is the server running ...") and
/// are kept whole.
public enum PythonTraceback {
    public static let header = "Traceback (most recent call last):"

    /// `nil` when `text` holds no traceback header or nothing after the frames.
    public static func exception(in text: String) -> (type: String?, message: String?)? {
        guard text.contains(header) else { return nil }
        // "\r\n" is one Character in Swift, so it needs naming as a separator of its own.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        guard let headerIndex = lines.lastIndex(where: { $0.drop(while: { $0 == " " }).hasPrefix(header) }) else {
            return nil
        }
        var start = headerIndex + 1
        // Blank lines among the frames too: graypy joins `format_exception`'s lines, which end in
        // "\n" already, with another "\n".
        while start < lines.count, lines[start].isEmpty || lines[start].first == " " || lines[start].first == "\t" { start += 1 }
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
        guard start < lines.count else { return nil }

        let firstLine = lines[start].trimmingTrailingWhitespace()
        let continuation = lines[(start + 1)...].map { $0.trimmingTrailingWhitespace() }.joined(separator: "\n")
        var (type, message) = split(exceptionLine: firstLine)
        if !continuation.isEmpty {
            message = message.map { $0 + "\n" + continuation } ?? continuation
        }
        return (type, message)
    }

    /// `ValueError: card declined` → (`ValueError`, `card declined`); `StopIteration` →
    /// (`StopIteration`, nil); a line that does not start with a dotted name → (nil, line).
    static func split(exceptionLine line: Substring) -> (type: String?, message: String?) {
        if let colon = line.firstIndex(of: ":"), isDottedName(line[..<colon]) {
            let rest = line[line.index(after: colon)...].drop(while: { $0 == " " })
            return (String(line[..<colon]), rest.isEmpty ? nil : String(rest))
        }
        if isDottedName(line) { return (String(line), nil) }
        return (nil, line.isEmpty ? nil : String(line))
    }

    /// `[A-Za-z_][A-Za-z0-9_]*` joined by dots (`django.db.utils.OperationalError`).
    static func isDottedName(_ text: Substring) -> Bool {
        guard !text.isEmpty else { return false }
        var atPartStart = true
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "_"):
                atPartStart = false
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if atPartStart { return false }
            case UInt8(ascii: "."):
                if atPartStart { return false }
                atPartStart = true
            default:
                return false
            }
        }
        return !atPartStart
    }
}

extension Substring {
    func trimmingTrailingWhitespace() -> Substring {
        var end = endIndex
        while end > startIndex, let c = self[index(before: end)].unicodeScalars.first, c == " " || c == "\t" {
            end = index(before: end)
        }
        return self[startIndex..<end]
    }
}
