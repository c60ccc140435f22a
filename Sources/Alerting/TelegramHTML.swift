/// Telegram's HTML parse mode (protocols.md 2.3): values escaped (`&`, `<`, `>`, and `"` inside
/// attributes); the text kept under 4,096 characters *after entity parsing* by cutting the plain
/// values before they are escaped, so a cut never falls inside a tag or an entity. Lengths are
/// counted in UTF-16 code units, as Telegram counts them.
public struct TelegramHTML: Sendable {
    public static let maximumLength = 4096

    public private(set) var html = ""
    /// The length of the text after entity parsing: tags count 0, each escaped value its own length.
    public private(set) var plainLength = 0

    public init() {}

    public static func escape(_ text: String, attribute: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// `text` cut to at most `limit` UTF-16 units, by whole characters, with `…` when cut.
    public static func cut(_ text: String, limit: Int) -> String {
        guard text.utf16.count > limit else { return text }
        guard limit >= 1 else { return "" }
        var out = ""
        var used = 0
        for ch in text {
            let n = String(ch).utf16.count
            if used + n > limit - 1 { break }
            out.append(ch)
            used += n
        }
        return out + "…"
    }

    /// Appends a value, escaped; cut to `limit` plain characters when given.
    public mutating func text(_ value: String, limit: Int? = nil) {
        let cut = limit.map { Self.cut(value, limit: $0) } ?? value
        html += Self.escape(cut)
        plainLength += cut.utf16.count
    }

    /// Appends a value wrapped in a tag (`b`, `i`, `code`, `pre`).
    public mutating func tagged(_ tag: String, _ value: String, limit: Int? = nil) {
        html += "<\(tag)>"
        text(value, limit: limit)
        html += "</\(tag)>"
    }

    /// A link; the visible text counts, the URL does not.
    public mutating func link(_ title: String, url: String) {
        html += "<a href=\"\(Self.escape(url, attribute: true))\">"
        text(title)
        html += "</a>"
    }

    /// Room left before `maximumLength`, keeping `reserve` for what is still to come.
    public func remaining(reserve: Int = 0) -> Int { max(0, Self.maximumLength - plainLength - reserve) }

    /// The text as Telegram shows it: tags dropped, the four entities decoded (the fallback when a
    /// message is refused with "can't parse entities" is this, sent without `parse_mode`).
    public static func plainText(_ html: String) -> String {
        var out = ""
        var i = html.startIndex
        while i < html.endIndex {
            let c = html[i]
            if c == "<", let close = html[i...].firstIndex(of: ">") {
                i = html.index(after: close)
                continue
            }
            if c == "&", let semi = html[i...].prefix(6).firstIndex(of: ";") {
                let entity = html[i...semi]
                let decoded: String? = ["&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": "\""][String(entity)]
                if let decoded {
                    out += decoded
                    i = html.index(after: semi)
                    continue
                }
            }
            out.append(c)
            i = html.index(after: i)
        }
        return out
    }
}
