import Foundation
import HubKit
import Identity
import LogModel
import Pipeline

/// `/dead-letters` (`deadletters.manage`): what the stores refused, with filters (sink, service,
/// reason, time, state); each letter opens to the event's JSON beside the store's answer; replay or
/// discard (with a reason, audited) the ticked letters or every pending letter the filters select.
enum DeadLettersPage {
    /// The filter fields, in the form's order.
    static let fields = ["sink", "service", "reason_contains", "since", "until", "state"]

    static func render(_ principal: StaffPrincipal, fields: [String: String], letters: [DeadLetter], limit: Int,
                       pendingBySink: [String: Int], error: String?) -> String {
        let e = HTMLPage.escape
        func input(_ name: String, _ label: String, type: String = "text", placeholder: String = "") -> String {
            #"<label>\#(label) <input type="\#(type)" name="\#(name)" value="\#(e(fields[name] ?? ""))" placeholder="\#(e(placeholder))"></label>"#
        }
        var states = ""
        for state in DeadLetterFilter.State.allCases {
            let selected = (fields["state"] ?? "pending") == state.rawValue ? " selected" : ""
            states += #"<option value="\#(state.rawValue)"\#(selected)>\#(state.rawValue)</option>"#
        }
        var body = """
        <form method="get" action="/dead-letters" class="filters">
        \(input("sink", "Store", placeholder: "mongodb, elasticsearch"))
        \(input("service", "Service"))
        \(input("reason_contains", "Reason contains"))
        \(input("since", "Since (UTC)", type: "datetime-local"))
        \(input("until", "Until (UTC)", type: "datetime-local"))
        <label>State <select name="state">\(states)</select></label>
        <button type="submit">Filter</button> <a href="/dead-letters">Clear</a>
        </form>
        """
        let pending = pendingBySink.sorted { $0.key < $1.key }.map { "\(e($0.key)): \($0.value)" }.joined(separator: ", ")
        body += "<p>Pending: \(pending.isEmpty ? "none" : pending).</p>"
        if let notice = fields["notice"] { body += #"<p class="notice">Done: \#(e(notice)).</p>"# }
        if let error { body += #"<p class="error">\#(e(error))</p>"# }

        // The current filters travel with every action, so "all matching" means what the page shows.
        let hiddenFilters = Self.fields.compactMap { key in
            fields[key].map { #"<input type="hidden" name="\#(key)" value="\#(e($0))">"# }
        }.joined()
        let csrf = principal.csrfToken.map { #"<input type="hidden" name="csrf_token" value="\#(e($0))">"# } ?? ""
        if letters.isEmpty {
            body += "<p>No dead letters match.</p>"
        } else {
            body += #"<form method="post" action="/api/v1/dead-letters/replay" id="letters">\#(csrf)\#(hiddenFilters)"#
            body += #"<table class="letters"><thead><tr><th></th><th>Dead-lettered (UTC)</th><th>Store</th><th>Service</th><th>Event</th><th>Reason</th><th>Attempts</th><th>State</th></tr></thead><tbody>"#
            for letter in letters {
                let state: String
                if letter.discardedAt != nil {
                    state = "discarded by \(letter.discardedBy ?? "?"): \(letter.discardReason ?? "")"
                } else if let replayed = letter.replayedAt {
                    state = "replayed \(display(replayed))"
                } else {
                    state = "pending"
                }
                let isPending = letter.discardedAt == nil && letter.replayedAt == nil
                let box = isPending ? #"<input type="checkbox" name="ids" value="\#(letter.id)" aria-label="select \#(letter.id)">"# : ""
                body += """
                <tr><td>\(box)</td><td>\(e(display(letter.createdAt)))</td><td>\(e(letter.sink))</td><td>\(e(letter.service ?? ""))</td>\
                <td><code>\(e(letter.eventID))</code></td><td>\(e(String(letter.reason.prefix(160))))</td><td>\(letter.attempts)</td><td>\(e(state))</td></tr>
                <tr class="detail"><td></td><td colspan="7"><details><summary>Event and the store's answer</summary><div class="side-by-side">
                <div><h3>Event</h3><pre>\(e(pretty(letter.eventBytes)))</pre></div>
                <div><h3>Store's answer</h3><pre>\(e(letter.reason))</pre></div>
                </div></details></td></tr>
                """
            }
            body += "</tbody></table>"
            body += """
            <p class="actions">
            <button type="submit" name="selection" value="ids">Replay selected</button>
            <label>Reason <input type="text" name="reason" placeholder="why discard (goes into the audit)"></label>
            <button type="submit" formaction="/api/v1/dead-letters/discard" data-confirm="Discard the selected dead letters? They are never replayed.">Discard selected</button>
            </p>
            </form>
            """
            if letters.count >= limit, let last = letters.last {
                var older = fields.filter { $0.key != "notice" }
                older["before"] = String(last.id)
                body += #"<p><a href="/dead-letters?\#(e(encode(older)))" rel="next">Older →</a></p>"#
            }
        }
        if (fields["state"] ?? "pending") == "pending", !letters.isEmpty {
            let all = #"<input type="hidden" name="all_matching" value="1">"# + hiddenFilters
            body += "<h2>Every pending letter these filters select</h2><p>"
            body += HTMLPage.form(action: "/api/v1/dead-letters/replay", principal: principal, fields: all, button: "Replay all matching",
                                  classes: "inline", confirm: "Replay every pending dead letter these filters select?")
            body += " "
            body += HTMLPage.form(action: "/api/v1/dead-letters/discard", principal: principal,
                                  fields: all + #"<input type="text" name="reason" placeholder="reason" required> "#,
                                  button: "Discard all matching", classes: "inline",
                                  confirm: "Discard every pending dead letter these filters select? They are never replayed.")
            body += "</p>"
        }
        return HTMLPage.render(title: "Dead letters", principal: principal, body: body)
    }

    /// The stored document indented for reading; bytes that are not JSON as they are.
    static func pretty(_ bytes: [UInt8]) -> String {
        guard let value = try? JSONParser.parse(bytes) else { return String(decoding: bytes, as: UTF8.self) }
        return value.prettyText()
    }

    static func display(_ iso: String) -> String {
        String(iso.replacingOccurrences(of: "T", with: " ").dropLast())
    }

    static func encode(_ query: [String: String]) -> String { QueryString.encode(query) }
}
