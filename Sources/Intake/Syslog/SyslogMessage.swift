public import LogModel
import NIOCore
import Transforms

/// One syslog message (RFC 5424, or the BSD format of RFC 3164 that most daemons still send) turned
/// into an event of the hub's ingest contract:
///
/// - the priority gives `syslog_severity` (the level) and `facility` (its name: `auth`, `local0`, …);
/// - the timestamp gives `@timestamp` (RFC 3164's has no year and no zone: this year, UTC — the zone
///   is unknowable, which is why RFC 5424 exists);
/// - HOSTNAME → `host.name`, APP-NAME / TAG → `log.logger` (and `appname`), PROCID / `[pid]` → `procid`,
///   MSGID → `msgid`; the rest is the `message` (a UTF-8 BOM removed);
/// - RFC 5424 structured data `[id name="value" …]` becomes one field per parameter, `id.name` (stored as
///   the label `id_name`), with `\"`, `\\` and `\]` unescaped.
///
/// A message that is not syslog at all (no `<PRI>`) is kept whole as the message, at `notice`, as
/// rsyslog does.
public enum SyslogMessage {
    static let facilities = ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
                             "ftp", "ntp", "security", "console", "solaris-cron", "local0", "local1", "local2", "local3",
                             "local4", "local5", "local6", "local7"]

    public static func event(from bytes: ByteBuffer, maxBytes: Int, now: () -> Int64 = { WallClock.nowMicros() }) -> Result<JSONObject, EventError> {
        guard bytes.readableBytes <= maxBytes else { return .failure(.tooLarge(bytes: bytes.readableBytes, limit: maxBytes)) }
        guard let text = bytes.getString(at: bytes.readerIndex, length: bytes.readableBytes), !text.isEmpty else {
            return .failure(EventError(code: "invalid_syslog", message: "an empty syslog message"))
        }
        var line = Substring(text)
        while let last = line.last, last == "\n" || last == "\r" || last == "\0" { line.removeLast() }
        var event = JSONObject()
        guard line.first == "<", let close = line.firstIndex(of: ">"), close <= line.index(line.startIndex, offsetBy: 4, limitedBy: line.endIndex) ?? line.endIndex,
              let priority = Int(line[line.index(after: line.startIndex)..<close]), (0...191).contains(priority)
        else {
            event.append("message", .string(String(line)))
            event.append("syslog_severity", .int(5))
            return .success(event)
        }
        event.append("syslog_severity", .int(Int64(priority % 8)))
        event.append("facility", .string(facilities[priority / 8]))
        var rest = line[line.index(after: close)...]
        if rest.hasPrefix("1 ") {
            rest = rest.dropFirst(2)
            RFC5424.read(&rest, into: &event)
        } else {
            RFC3164.read(&rest, into: &event, nowMicros: now())
        }
        var message = rest
        if message.hasPrefix("\u{FEFF}") { message = message.dropFirst() }
        event.append("message", .string(String(message)))
        return .success(event)
    }
}

/// `VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]`, `-` for nil.
enum RFC5424 {
    static func read(_ rest: inout Substring, into event: inout JSONObject) {
        let timestamp = field(&rest), host = field(&rest), app = field(&rest), procid = field(&rest), msgid = field(&rest)
        if let timestamp { event.append("@timestamp", .string(timestamp)) }
        if let host { event.append("host.name", .string(host)) }
        if let app {
            event.append("log.logger", .string(app))
            event.append("appname", .string(app))
        }
        if let procid { event.append("procid", .string(procid)) }
        if let msgid { event.append("msgid", .string(msgid)) }
        if rest.hasPrefix("-") {
            rest = rest.dropFirst()
        } else {
            while rest.first == "[" { structuredElement(&rest, into: &event) }
        }
        if rest.first == " " { rest = rest.dropFirst() }
    }

    /// The next space-separated header field; nil for `-`.
    static func field(_ rest: inout Substring) -> String? {
        let end = rest.firstIndex(of: " ") ?? rest.endIndex
        let value = rest[..<end]
        rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[end...]
        return value == "-" || value.isEmpty ? nil : String(value)
    }

    /// `[id name="value" name2="value2"]`
    static func structuredElement(_ rest: inout Substring, into event: inout JSONObject) {
        rest = rest.dropFirst()  // [
        let idEnd = rest.firstIndex { $0 == " " || $0 == "]" } ?? rest.endIndex
        let id = String(rest[..<idEnd])
        rest = rest[idEnd...]
        while let first = rest.first, first != "]" {
            rest = rest.drop { $0 == " " }
            guard let equals = rest.firstIndex(of: "="), rest[rest.index(after: equals)...].first == "\"" else {
                rest = rest.drop { $0 != "]" }
                break
            }
            let name = String(rest[..<equals])
            rest = rest[rest.index(equals, offsetBy: 2)...]
            var value = ""
            while let c = rest.first, c != "\"" {
                rest = rest.dropFirst()
                if c == "\\", let escaped = rest.first, escaped == "\"" || escaped == "\\" || escaped == "]" {
                    value.append(escaped)
                    rest = rest.dropFirst()
                } else {
                    value.append(c)
                }
            }
            rest = rest.dropFirst()  // closing quote
            event.append("\(id).\(name)", .string(value))
        }
        rest = rest.dropFirst()  // ]
    }
}

/// `Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG` (BSD syslog); anything missing is left out.
enum RFC3164 {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func read(_ rest: inout Substring, into event: inout JSONObject, nowMicros: Int64) {
        if let timestamp = timestamp(rest.prefix(15), nowMicros: nowMicros) {
            event.append("@timestamp", .string(timestamp))
            rest = rest.dropFirst(15)
            if rest.first == " " { rest = rest.dropFirst() }
            // HOSTNAME: the next word, when a TAG follows it.
            if let space = rest.firstIndex(of: " "), !rest[..<space].hasSuffix(":") {
                event.append("host.name", .string(String(rest[..<space])))
                rest = rest[rest.index(after: space)...]
            }
        }
        // TAG: letters, digits and a few marks up to `[pid]:` or `:`.
        let tagEnd = rest.firstIndex { !($0.isLetter || $0.isNumber || "._-/".contains($0)) } ?? rest.endIndex
        guard tagEnd > rest.startIndex, tagEnd < rest.endIndex, rest[tagEnd] == "[" || rest[tagEnd] == ":" else { return }
        let tag = String(rest[..<tagEnd])
        var after = rest[tagEnd...]
        if after.first == "[", let closing = after.firstIndex(of: "]") {
            event.append("procid", .string(String(after[after.index(after: after.startIndex)..<closing])))
            after = after[after.index(after: closing)...]
        }
        guard after.first == ":" else { return }
        event.append("log.logger", .string(tag))
        event.append("appname", .string(tag))
        rest = after.dropFirst()
        if rest.first == " " { rest = rest.dropFirst() }
    }

    /// `Dec  2 10:07:01` → this year's RFC 3339 in UTC (or last year's, when that date would be more
    /// than a day ahead: a December message read on the 1st of January).
    static func timestamp(_ text: Substring, nowMicros: Int64) -> String? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard text.count == 15, parts.count == 3, let month = months.firstIndex(of: String(parts[0])),
              let day = Int(parts[1]), (1...31).contains(day) else { return nil }
        let clock = parts[2].split(separator: ":")
        guard clock.count == 3, let h = Int(clock[0]), let m = Int(clock[1]), let s = Int(clock[2]), h < 24, m < 60, s < 61 else { return nil }
        let today = nowMicros / 86_400_000_000
        var year = CivilDate.fromDays(today).year
        if CivilDate.toDays(year: year, month: Int64(month + 1), day: Int64(day)) > today + 1 { year -= 1 }
        return pad(Int(year), to: 4) + "-" + pad(month + 1, to: 2) + "-" + pad(day, to: 2) + "T"
            + pad(h, to: 2) + ":" + pad(m, to: 2) + ":" + pad(s, to: 2) + "Z"
    }
}

private func pad(_ value: Int, to width: Int) -> String {
    let digits = "\(value)"
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
