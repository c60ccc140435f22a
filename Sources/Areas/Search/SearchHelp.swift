/// The query language's help, shown on the page; the README's "Query language" section says the same.
enum SearchHelp {
    static let html = """
    <table class="syntax">
    <tr><td><code>payment timeout</code></td><td>both words (AND is the default) in <code>message</code>, <code>error.message</code> or <code>error.stack_trace</code></td></tr>
    <tr><td><code>"card declined"</code></td><td>a phrase</td></tr>
    <tr><td><code>pay*</code></td><td>words starting with <code>pay</code> (only a trailing <code>*</code>)</td></tr>
    <tr><td><code>service:billing</code></td><td>a field; dotted names work: <code>labels.order_id:A-17</code>, <code>attributes.order.items:3</code></td></tr>
    <tr><td><code>status:502</code></td><td>an unknown name is a label: <code>labels.status</code></td></tr>
    <tr><td><code>level service env logger host trace request shop user id error</code></td><td>short names for <code>log.level</code>, <code>service.name</code>, <code>service.environment</code>, <code>log.logger</code>, <code>host.name</code>, <code>trace.id</code>, <code>http.request.id</code>, <code>labels.shop_id</code>, <code>user.id</code>, <code>event.id</code>, <code>error.type</code></td></tr>
    <tr><td><code>level:&gt;=warning</code></td><td>levels compare by severity</td></tr>
    <tr><td><code>status:&gt;499</code> <code>status:[500 TO 599]</code> <code>{500 TO 600}</code></td><td>numeric when the bounds are numbers (<code>[ ]</code> inclusive, <code>{ }</code> exclusive, <code>*</code> open)</td></tr>
    <tr><td><code>@timestamp:&gt;now-1h</code></td><td>times: RFC 3339 or <code>now-15m</code>, <code>now-24h</code>, <code>now-7d</code></td></tr>
    <tr><td><code>has:trace.id</code></td><td>the field is present</td></tr>
    <tr><td><code>a OR b</code>, <code>NOT x</code>, <code>-x</code>, <code>( )</code></td><td>boolean logic</td></tr>
    </table>
    <p>Keys: <kbd>/</kbd> query · <kbd>j</kbd>/<kbd>k</kbd> next/previous row · <kbd>Enter</kbd> expand · <kbd>Esc</kbd> close</p>
    """
}
