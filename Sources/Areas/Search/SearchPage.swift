import HubKit
import Identity

/// The `/search` page: the form is rendered on the server from the URL (so a link reproduces the
/// view, and the page is usable before the script runs); /assets/search.js fills in the histogram,
/// facets, results, live tail and saved searches from the JSON API.
enum SearchPage {
    static func render(_ principal: StaffPrincipal, parameters: [String: String]) -> String {
        let q = parameters["q"] ?? "", from = parameters["from"] ?? "now-15m", to = parameters["to"] ?? "now"
        let ranges = [("now-15m", "Last 15 minutes"), ("now-1h", "Last hour"), ("now-4h", "Last 4 hours"), ("now-24h", "Last 24 hours"),
                      ("now-7d", "Last 7 days"), ("now-30d", "Last 30 days")]
        let options = ranges.map { value, label in
            #"<option value="\#(value)"\#(from == value && to == "now" ? " selected" : "")>\#(label)</option>"#
        }.joined() + #"<option value="custom"\#(ranges.contains { $0.0 == from } && to == "now" ? "" : " selected")>Custom range</option>"#
        let csrf = principal.csrfToken.map(HTMLPage.escape) ?? ""
        let body = """
        <link rel="stylesheet" href="/assets/search.css">
        <div id="search" data-csrf="\(csrf)">
        <form id="search-form" class="search-bar" method="get" action="/search" role="search">
          <input id="q" name="q" type="search" value="\(HTMLPage.escape(q))" list="recent-queries" autocomplete="off"
                 placeholder="shop:42 level:>=warning &quot;payment failed&quot;   (press / to focus)" aria-label="Query" spellcheck="false">
          <datalist id="recent-queries"></datalist>
          <select id="range" aria-label="Time range">\(options)</select>
          <input id="from" name="from" value="\(HTMLPage.escape(from))" aria-label="From" size="22" title="RFC 3339 or now-15m">
          <input id="to" name="to" value="\(HTMLPage.escape(to))" aria-label="To" size="22" title="RFC 3339 or now">
          <button type="submit" id="run">Search</button>
          <label class="toggle"><input type="checkbox" id="live"\(parameters["live"] == "1" ? " checked" : "")> Live tail</label>
        </form>
        <div class="toolbar">
          <details class="help"><summary>Syntax help</summary>\(SearchHelp.html)</details>
          <span class="saved">
            <select id="saved" aria-label="Saved searches"><option value="">Saved searches…</option></select>
            <button type="button" id="save">Save…</button> <button type="button" id="delete-saved">Delete</button>
          </span>
          <span class="export">Export: <a id="export-ndjson" href="#">NDJSON</a> · <a id="export-csv" href="#">CSV</a></span>
        </div>
        <p id="status" class="status" role="status" aria-live="polite"></p>
        <div class="layout">
          <aside id="facets" aria-label="Facets"></aside>
          <section class="results">
            <div id="histogram" class="histogram" aria-label="Events over time; drag to narrow the range"></div>
            <table id="results" class="events">
              <thead><tr><th class="time">Time</th><th class="level">Level</th><th class="service">Service</th><th>Message</th></tr></thead>
              <tbody></tbody>
            </table>
            <p><button type="button" id="more" hidden>More</button></p>
            <div id="context" class="context" hidden></div>
          </section>
        </div>
        </div>
        """
        return HTMLPage.render(title: "Search", principal: principal, body: body, scripts: ["/assets/search.js"])
    }
}
