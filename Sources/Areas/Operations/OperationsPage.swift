import HubKit
import Hummingbird
import Identity
import Operations

/// `/operations`: shop look-up, forms generated from the catalog, a confirmation step that shows
/// exactly what will be sent, the result, the approvals queue and the audit. The server renders the
/// frame; /assets/operations.js fills it from the JSON API (the CSP forbids inline scripts).
enum OperationsPage {
    static func render(_ principal: StaffPrincipal) -> String {
        let csrf = principal.csrfToken.map(HTMLPage.escape) ?? ""
        let approver = principal.allows(.operationsApprove)
        let body = """
        <link rel="stylesheet" href="/assets/operations.css">
        <div id="operations" data-csrf="\(csrf)" data-user="\(principal.user.id)" data-approver="\(approver ? "1" : "0")">
        <section class="ops-lookup">
          <h2>Shop</h2>
          <form id="lookup-form" class="ops-inline"><label>Shop id <input id="lookup-shop" name="shop_id" required autocomplete="off"></label>
          <button type="submit" id="lookup-button">Look up</button></form>
          <p id="lookup-status" role="status" aria-live="polite"></p>
          <div id="shop" hidden>
            <p><strong id="shop-name"></strong> — state <span id="shop-state" class="state"></span>, balance <strong id="shop-balance"></strong>
            · <a id="shop-errors" href="/search">recent error logs</a></p>
            <h3>Recent movements</h3>
            <table id="movements"><thead><tr><th>Time</th><th>Kind</th><th>Amount</th><th>Balance after</th><th>Reason</th></tr></thead><tbody></tbody></table>
            <h3>This shop's operations</h3>
            <table id="shop-operations" class="ops-table"><thead><tr><th>#</th><th>Operation</th><th>Parameters</th><th>State</th><th>By</th><th>When</th></tr></thead><tbody></tbody></table>
          </div>
        </section>
        <section class="ops-run">
          <h2>Run an operation</h2>
          <form id="operation-form" class="ops-form">
            <label>Operation <select id="operation-name"></select></label>
            <p id="operation-description" class="muted"></p>
            <div id="operation-fields"></div>
            <button type="submit" id="operation-review">Review…</button>
          </form>
          <div id="confirm" class="ops-confirm" hidden>
            <h3>Confirm</h3>
            <p id="confirm-text"></p>
            <p id="confirm-approval" class="warn" hidden>This needs a second person's approval before it is sent to CORE.</p>
            <p>Exactly what will be sent:</p>
            <pre id="confirm-request"></pre>
            <button type="button" id="confirm-send">Send</button> <button type="button" id="confirm-cancel">Cancel</button>
          </div>
          <div id="result" class="ops-result" role="status" aria-live="polite" hidden></div>
        </section>
        <section class="ops-approvals" \(approver ? "" : "hidden")>
          <h2>Waiting for approval</h2>
          <table id="approvals" class="ops-table"><thead><tr><th>#</th><th>Operation</th><th>Parameters</th><th>Requested by</th><th>Expires</th><th>Comment</th><th></th></tr></thead><tbody></tbody></table>
        </section>
        <section class="ops-audit">
          <h2>Audit</h2>
          <form id="audit-form" class="ops-inline"><label>Shop <input id="audit-shop"></label> <label>Actor <input id="audit-actor"></label>
          <button type="submit">Show</button> <a id="audit-csv" href="/api/v1/operations/audit?format=csv">CSV</a></form>
          <table id="audit" class="ops-table"><thead><tr><th>#</th><th>Time</th><th>Event</th><th>Actor</th><th>Operation</th><th>Shop</th><th>CORE</th></tr></thead><tbody></tbody></table>
        </section>
        </div>
        """
        return HTMLPage.render(title: "Operations", principal: principal, body: body, scripts: ["/assets/operations.js"])
    }
}

struct OperationsPageRoutes {
    let catalog: [OperationDefinition]

    func register(on routes: HubRoutes) {
        routes.page("/operations", .operationsRun) { _, call in
            HTMLPage.response(.ok, OperationsPage.render(call.principal))
        }
        routes.open(.get, "/assets/operations.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: .init(string: OperationsScript.javascript)))
        }
        routes.open(.get, "/assets/operations.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: .init(string: OperationsScript.css)))
        }
    }
}
