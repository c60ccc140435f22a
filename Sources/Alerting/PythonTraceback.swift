import Foundation
/// A Python traceback as text, turned into Sentry's `exception.values` (protocols.md 1.4): one
/// value per chained exception, oldest first; frames in Python's order (crashing frame last) with
/// filename, function, line number and the context line where the traceback shows it.
public enum PythonTraceback {
    public struct Frame: Sendable, Equatable {
        public var filename: String
        public var function: String
        public var lineno: Int
        public var contextLine: String?
    }

    public struct Exception: Sendable, Equatable {
        public var type: String
        public var value: String
        public var module: String?
        public var frames: [Frame]
    }

    public static func parse(_ text: String) -> [Exception] {
        var result: [Exception] = []
        var frames: [Frame] = []
        var inTraceback = false
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        var i = 0
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.trimmingCharactersInSpaces()
            if trimmed.hasPrefix("Traceback (most recent call last)") {
                inTraceback = true
                frames = []
            } else if inTraceback, trimmed.hasPrefix("File \""), let frame = parseFrameLine(trimmed) {
                var f = frame
                if i + 1 < lines.count {
                    let next = lines[i + 1]
                    let nextTrimmed = next.trimmingCharactersInSpaces()
                    if next.hasPrefix("    "), !nextTrimmed.hasPrefix("File \""), !nextTrimmed.isEmpty, !isCaretLine(nextTrimmed) {
                        f.contextLine = nextTrimmed
                        i += 1
                    }
                }
                frames.append(f)
            } else if inTraceback, !line.hasPrefix(" "), !trimmed.isEmpty {
                // The exception line ends this traceback: `module.Type: value` or a bare `Type`.
                let (type, value) = splitExceptionLine(trimmed)
                var module: String?
                var shortType = type
                if let dot = type.lastIndex(of: ".") {
                    module = String(type[..<dot])
                    shortType = String(type[type.index(after: dot)...])
                }
                result.append(Exception(type: shortType, value: value, module: module, frames: frames))
                inTraceback = false
                frames = []
            }
            i += 1
        }
        return result
    }

    static func isCaretLine(_ text: String) -> Bool { text.allSatisfy { $0 == "^" || $0 == "~" || $0 == " " } }

    /// `File "billing/views.py", line 88, in pay`
    static func parseFrameLine(_ text: String) -> Frame? {
        let afterFile = text.dropFirst(6)
        guard let closeQuote = afterFile.firstIndex(of: "\"") else { return nil }
        let filename = String(afterFile[..<closeQuote])
        let rest = afterFile[afterFile.index(after: closeQuote)...]
        guard let lineRange = rest.range(of: ", line ") else { return nil }
        let afterLine = rest[lineRange.upperBound...]
        let digits = afterLine.prefix { $0.isNumber }
        guard let lineno = Int(digits) else { return nil }
        var function = "<module>"
        if let inRange = afterLine.range(of: ", in ") { function = String(afterLine[inRange.upperBound...]) }
        return Frame(filename: filename, function: function, lineno: lineno, contextLine: nil)
    }

    static func splitExceptionLine(_ text: String) -> (String, String) {
        guard let colon = text.range(of: ": ") else {
            return (text.hasSuffix(":") ? String(text.dropLast()) : text, "")
        }
        return (String(text[..<colon.lowerBound]), String(text[colon.upperBound...]))
    }
}
