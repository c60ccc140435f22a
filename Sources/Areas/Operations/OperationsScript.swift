/// The operations page's behaviour and style, served from the binary (no build step).
enum OperationsScript {
    static let css = """
    #operations section { background: #fff; border: 1px solid #e3e6ea; padding: .8em 1em; margin-bottom: 1.2em; }
    #operations h2 { margin-top: 0; font-size: 1.15em; }
    .ops-inline { display: flex; gap: .8em; align-items: end; flex-wrap: wrap; }
    .ops-inline input, .ops-form input, .ops-form select, .ops-form textarea { font: inherit; padding: .35em .45em; border: 1px solid #c5cad3; border-radius: 4px; }
    .ops-form { display: grid; gap: .6em; max-width: 36em; }
    .ops-form label { display: grid; gap: .2em; font-weight: 600; }
    .ops-form .hint { font-weight: 400; color: #5b6472; font-size: .9em; }
    .ops-confirm { border: 2px solid #2f5bd3; padding: .6em 1em; margin-top: 1em; }
    .ops-confirm pre { background: #f6f7f9; padding: .6em; white-space: pre-wrap; }
    .ops-result.ok { color: #0f5a23; font-weight: 600; }
    .ops-result.bad { color: #a30000; font-weight: 600; }
    .ops-table td { font-size: .92em; }
    .muted { color: #5b6472; }
    .state-applied, .state-active { background: #d9f2de; color: #0f5a23; }
    .state-pending_approval, .state-approved, .state-sending, .state-unknown { background: #fff1c7; color: #6b4a00; }
    .state-failed, .state-rejected, .state-expired, .state-blocked { background: #fbd9d9; color: #8a0000; }
    """

    static let javascript = #"""
    (function () {
      'use strict';
      var root = document.getElementById('operations');
      if (!root) { return; }
      var csrf = root.getAttribute('data-csrf');
      var me = root.getAttribute('data-user');
      var catalog = [];
      var pending = null;
      function $(id) { return document.getElementById(id); }
      function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined && text !== null) { e.textContent = String(text); } if (cls) { e.className = cls; } return e; }
      function api(method, path, body) {
        var options = { method: method, headers: { 'Accept': 'application/json' }, credentials: 'same-origin' };
        if (body !== undefined) { options.headers['Content-Type'] = 'application/json'; options.headers['X-CSRF-Token'] = csrf; options.body = JSON.stringify(body); }
        return fetch(path, options).then(function (r) { return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, body: j }; }); });
      }
      function money(m) { return m && m.amount !== undefined ? m.amount + ' ' + m.currency : ''; }
      function params(p) { return Object.keys(p || {}).map(function (k) { var v = p[k]; return k + '=' + (typeof v === 'object' ? JSON.stringify(v) : v); }).join(', '); }
      // Times to the second, as the audit shows them (the API keeps microseconds).
      function when(t) { return t ? String(t).replace(/\.\d+Z$/, 'Z') : ''; }
      function stateBadge(s) { return el('span', s, 'state state-' + s); }
      function row(cells) { var tr = document.createElement('tr'); cells.forEach(function (c) { var td = document.createElement('td'); if (c instanceof Node) { td.appendChild(c); } else { td.textContent = c === null || c === undefined ? '' : String(c); } tr.appendChild(td); }); return tr; }
      function fill(tbody, rows) { tbody.textContent = ''; rows.forEach(function (r) { tbody.appendChild(r); }); }

      function uuid() {
        if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
        var b = new Uint8Array(16); window.crypto.getRandomValues(b);
        return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
      }

      // Shop look-up
      function lookUp(shop) {
        $('lookup-status').textContent = 'Looking up ' + shop + '…';
        api('GET', '/api/v1/shops/' + encodeURIComponent(shop)).then(function (r) {
          if (r.status !== 200) { $('shop').hidden = true; $('lookup-status').textContent = (r.body.message || ('error ' + r.status)); return; }
          $('lookup-status').textContent = '';
          var s = r.body.shop || {};
          $('shop').hidden = false;
          $('shop-name').textContent = (s.name ? s.name + ' ' : '') + '(' + (s.shop_id || shop) + ')';
          $('shop-state').textContent = s.state || '?';
          $('shop-state').className = 'state state-' + (s.state || '');
          $('shop-balance').textContent = money(s.balance);
          // The search area's view of this shop's recent errors (the logs carry shop_id).
          $('shop-errors').href = '/search?from=now-24h&to=now&q=' + encodeURIComponent('shop_id:' + (s.shop_id || shop) + ' level:>=error');
          fill($('movements').tBodies[0], (r.body.movements || []).map(function (m) { return row([when(m.at), m.kind, money(m.amount), money(m.balance_after), m.reason]); }));
          fill($('shop-operations').tBodies[0], (r.body.operations || []).map(function (o) { return row([o.id, o.operation, params(o.params), stateBadge(o.state), o.initiator.email, when(o.created_at)]); }));
          var field = document.querySelector('#operation-fields [name="shop_id"]');
          if (field && !field.value) { field.value = shop; }
          $('audit-shop').value = shop;
          loadAudit();
        });
      }
      $('lookup-form').addEventListener('submit', function (e) { e.preventDefault(); lookUp($('lookup-shop').value.trim()); });

      // Forms from the catalog
      function field(p, currencies) {
        var label = el('label', p.name + (p.required ? '' : ' (optional)'));
        var input;
        if (p.type === 'enum' || p.type === 'currency') {
          input = document.createElement('select');
          (p.type === 'enum' ? p.values : currencies).forEach(function (v) { var o = el('option', v); o.value = v; input.appendChild(o); });
          if (p.type === 'currency') { input.value = 'RUB'; }
        } else if (p.type === 'boolean') {
          input = document.createElement('input'); input.type = 'checkbox';
        } else if (p.type === 'object') {
          input = document.createElement('textarea'); input.rows = 3; input.placeholder = '{"key": "value"}';
        } else {
          input = document.createElement('input');
          if (p.type === 'integer') { input.inputMode = 'numeric'; input.pattern = '-?[0-9]+'; }
          if (p.type === 'money') { input.inputMode = 'decimal'; input.pattern = p.signed ? '-?[0-9]+([.][0-9]+)?' : '[0-9]+([.][0-9]+)?'; input.placeholder = p.signed ? '-100.00' : '100.00'; }
          if (p.pattern) { input.pattern = p.pattern; }
          if (p.max_length) { input.maxLength = p.max_length; }
        }
        input.name = p.name; input.id = 'param-' + p.name; input.required = !!p.required && p.type !== 'boolean';
        label.appendChild(input);
        if (p.description) { label.appendChild(el('span', p.description, 'hint')); }
        return label;
      }
      function renderForm() {
        var op = catalog.filter(function (o) { return o.name === $('operation-name').value; })[0];
        var box = $('operation-fields'); box.textContent = '';
        if (!op) { return; }
        $('operation-description').textContent = op.description;
        op.parameters.forEach(function (p) { box.appendChild(field(p, window.__currencies || ['RUB'])); });
        var shop = $('lookup-shop').value.trim();
        var s = box.querySelector('[name="shop_id"]'); if (s && shop) { s.value = shop; }
      }
      function collect(op) {
        var out = {};
        op.parameters.forEach(function (p) {
          var input = $('param-' + p.name); if (!input) { return; }
          if (p.type === 'boolean') { out[p.name] = input.checked; return; }
          var v = input.value.trim(); if (v === '') { return; }
          if (p.type === 'integer') { out[p.name] = parseInt(v, 10); } else if (p.type === 'object') { out[p.name] = JSON.parse(v); } else { out[p.name] = v; }
        });
        return out;
      }
      function needsApproval(op, values) {
        var a = op.approval || {};
        if (a.kind === 'always') { return true; }
        if (a.kind !== 'above') { return false; }
        var m = op.parameters.filter(function (p) { return p.type === 'money'; })[0];
        if (!m || !values[m.name]) { return false; }
        if (values[m.currency_parameter] !== a.currency) { return true; }
        return compareDecimal(values[m.name].replace(/^-/, ''), a.amount) > 0;
      }
      // Exact comparison of decimal strings (no floats for money).
      function compareDecimal(x, y) {
        function parts(s) { var p = s.split('.'); return [p[0].replace(/^0+(?=\d)/, ''), p[1] || '']; }
        var a = parts(x), b = parts(y);
        if (a[0].length !== b[0].length) { return a[0].length < b[0].length ? -1 : 1; }
        if (a[0] !== b[0]) { return a[0] < b[0] ? -1 : 1; }
        var n = Math.max(a[1].length, b[1].length), fa = (a[1] + '0'.repeat(n)).slice(0, n), fb = (b[1] + '0'.repeat(n)).slice(0, n);
        return fa === fb ? 0 : (fa < fb ? -1 : 1);
      }
      function confirmText(op, values) {
        return (op.confirmation || op.title).replace(/\{([a-z0-9_]+)\}/g, function (_, k) { var v = values[k]; return v === undefined ? '' : (typeof v === 'object' ? JSON.stringify(v) : String(v)); });
      }
      $('operation-name').addEventListener('change', renderForm);
      $('operation-form').addEventListener('submit', function (e) {
        e.preventDefault();
        var op = catalog.filter(function (o) { return o.name === $('operation-name').value; })[0];
        var values;
        try { values = collect(op); } catch (err) { showResult(false, 'The arguments are not valid JSON.'); return; }
        pending = { operation: op.name, params: values, request_id: uuid() };
        $('confirm-text').textContent = confirmText(op, values);
        $('confirm-approval').hidden = !needsApproval(op, values);
        $('confirm-request').textContent = 'POST /api/v1/operations\n' + JSON.stringify(pending, null, 2);
        $('confirm').hidden = false; $('result').hidden = true;
      });
      $('confirm-cancel').addEventListener('click', function () { pending = null; $('confirm').hidden = true; });
      $('confirm-send').addEventListener('click', function () {
        if (!pending) { return; }
        var request = pending;
        $('confirm-send').disabled = true;
        // The same request_id on a retry: the hub answers with the one operation it stored.
        api('POST', '/api/v1/operations', request).then(function (r) {
          $('confirm-send').disabled = false; $('confirm').hidden = true; pending = null;
          var op = r.body.operation;
          if (r.status === 200) { showResult(true, 'Applied' + (op ? ' (operation #' + op.id + ')' : '') + '. CORE: ' + JSON.stringify(r.body.result)); }
          else if (r.status === 202 && op) { showResult(true, 'Operation #' + op.id + ' is ' + op.state.replace('_', ' ') + ': ' + r.body.message); watch(op.id); }
          else { showResult(false, r.body.message || ('error ' + r.status)); }
          refresh();
        });
      });
      function showResult(ok, text) { var box = $('result'); box.hidden = false; box.className = 'ops-result ' + (ok ? 'ok' : 'bad'); box.textContent = text; }
      // The initiator sees the state change: poll the operation until it is final.
      function watch(id) {
        var timer = setInterval(function () {
          api('GET', '/api/v1/operations/' + id).then(function (r) {
            var op = r.body.operation; if (!op) { return; }
            if (['applied', 'failed', 'rejected', 'expired'].indexOf(op.state) >= 0) {
              clearInterval(timer);
              showResult(op.state === 'applied', 'Operation #' + id + ' is ' + op.state + (op.decision_comment ? ' (' + op.decision_comment + ')' : '') + (op.last_error && op.state !== 'applied' ? ': ' + op.last_error : ''));
              refresh();
            }
          });
        }, 2000);
      }

      // Approvals
      function loadApprovals() {
        if (root.getAttribute('data-approver') !== '1') { return; }
        api('GET', '/api/v1/operations?state=pending_approval').then(function (r) {
          fill($('approvals').tBodies[0], (r.body.operations || []).map(function (o) {
            var comment = document.createElement('input'); comment.placeholder = 'comment'; comment.id = 'comment-' + o.id;
            var actions = document.createElement('span');
            if (String(o.initiator.id) !== me) {
              var ok = el('button', 'Approve'); ok.type = 'button'; ok.id = 'approve-' + o.id;
              ok.addEventListener('click', function () { decide(o.id, 'approve', comment.value); });
              actions.appendChild(ok);
            } else { actions.appendChild(el('span', 'yours', 'muted')); }
            var no = el('button', 'Reject'); no.type = 'button'; no.id = 'reject-' + o.id;
            no.addEventListener('click', function () { decide(o.id, 'reject', comment.value); });
            actions.appendChild(document.createTextNode(' ')); actions.appendChild(no);
            return row([o.id, o.operation, params(o.params), o.initiator.email, when(o.expires_at), comment, actions]);
          }));
        });
      }
      function decide(id, verb, comment) {
        api('POST', '/api/v1/operations/' + id + '/' + verb, { comment: comment }).then(function (r) {
          var op = r.body.operation;
          showResult(r.status < 300, op ? 'Operation #' + id + ' is ' + op.state + (r.body.message ? ': ' + r.body.message : '') : (r.body.message || ('error ' + r.status)));
          refresh();
        });
      }

      // Audit
      function loadAudit() {
        var q = 'shop=' + encodeURIComponent($('audit-shop').value.trim()) + '&actor=' + encodeURIComponent($('audit-actor').value.trim()) + '&limit=50';
        $('audit-csv').href = '/api/v1/operations/audit?format=csv&' + q;
        api('GET', '/api/v1/operations/audit?' + q).then(function (r) {
          fill($('audit').tBodies[0], (r.body.entries || []).map(function (a) { return row([a.id, a.at, a.event, a.actor, a.operation, a.shop_id, a.core_status]); }));
        });
      }
      $('audit-form').addEventListener('submit', function (e) { e.preventDefault(); loadAudit(); });

      function refresh() { loadApprovals(); loadAudit(); var shop = $('lookup-shop').value.trim(); if (shop && !$('shop').hidden) { lookUp(shop); } }

      api('GET', '/api/v1/operations/catalog').then(function (r) {
        catalog = (r.body.operations || []).filter(function (o) { return o.method === 'POST'; });
        window.__currencies = r.body.currencies;
        var select = $('operation-name');
        catalog.forEach(function (o) { var opt = el('option', o.title); opt.value = o.name; select.appendChild(opt); });
        renderForm();
      });
      loadApprovals(); loadAudit();
    })();
    """#
}
