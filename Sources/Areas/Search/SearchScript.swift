/// The search page's behaviour (/assets/search.js): everything the page does after load, from the
/// JSON API, with the state kept in the URL. Hand-written, no dependencies.
enum SearchScript {
    static let javascript = #"""
    (function () {
      'use strict';
      var root = document.getElementById('search');
      if (!root) return;
      var $ = function (id) { return document.getElementById(id); };
      var form = $('search-form'), q = $('q'), from = $('from'), to = $('to'), range = $('range');
      var tbody = document.querySelector('#results tbody'), more = $('more'), status = $('status');
      var csrf = root.getAttribute('data-csrf') || '';
      var LEVELS = ['trace', 'debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
      var COLORS = { trace: '#9aa3ad', debug: '#7d8793', info: '#3b7dd8', notice: '#2a9d8f', warning: '#e0a100',
                     error: '#d1495b', critical: '#a4161a', alert: '#7b2cbf', emergency: '#3c096c' };
      var cursor = null, tail = null, selected = -1, loadToken = 0;

      function params() {
        var p = new URLSearchParams();
        p.set('q', q.value); p.set('from', from.value || 'now-15m'); p.set('to', to.value || 'now');
        return p;
      }
      function pushState() {
        var p = params();
        if ($('live').checked) p.set('live', '1');
        history.pushState(null, '', '/search?' + p.toString());
      }
      function api(path, options) {
        options = options || {};
        options.headers = options.headers || {};
        options.credentials = 'same-origin';
        if (options.method && options.method !== 'GET') options.headers['X-CSRF-Token'] = csrf;
        return fetch(path, options).then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (body) {
            if (!r.ok) throw new Error(body.message || ('HTTP ' + r.status));
            return body;
          });
        });
      }
      function el(tag, attrs, text) {
        var e = document.createElement(tag);
        for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
        if (text !== undefined) e.textContent = text;
        return e;
      }
      function svg(tag, attrs) {
        var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
        for (var k in attrs) e.setAttribute(k, attrs[k]);
        return e;
      }
      function get(doc, path) {
        return path.split('.').reduce(function (o, k) { return o == null ? undefined : o[k]; }, doc);
      }

      // Words of the query worth highlighting: free words and phrases, not field clauses.
      function terms() {
        var out = [], re = /"([^"]+)"|(\S+)/g, m;
        while ((m = re.exec(q.value))) {
          var t = m[1] || m[2];
          if (!m[1] && (/[:()]/.test(t) || /^(AND|OR|NOT)$/.test(t) || t[0] === '-')) continue;
          t = t.replace(/\*$/, '');
          if (t) out.push(t);
        }
        return out;
      }
      function highlighted(text, words) {
        var span = el('span');
        if (!words.length) { span.textContent = text; return span; }
        var escaped = words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); });
        var re = new RegExp('(' + escaped.join('|') + ')', 'gi'), last = 0, m;
        while ((m = re.exec(text))) {
          span.appendChild(document.createTextNode(text.slice(last, m.index)));
          span.appendChild(el('mark', {}, m[0]));
          last = m.index + m[0].length;
          if (m[0].length === 0) re.lastIndex++;
        }
        span.appendChild(document.createTextNode(text.slice(last)));
        return span;
      }

      function row(doc, prepend) {
        var tr = el('tr', { tabindex: '0', 'data-id': get(doc, 'event.id') || '' });
        var when = new Date(doc['@timestamp']);
        tr.appendChild(el('td', { 'class': 'time', title: doc['@timestamp'] }, isNaN(when) ? doc['@timestamp'] : when.toLocaleString()));
        var level = get(doc, 'log.level') || 'info';
        var td = el('td', { 'class': 'level' });
        td.appendChild(el('span', { 'class': 'badge level-' + level }, level));
        tr.appendChild(td);
        tr.appendChild(el('td', { 'class': 'service' }, get(doc, 'service.name') || ''));
        var msg = el('td', { 'class': 'message' });
        msg.appendChild(highlighted(String(doc.message || ''), terms()));
        tr.appendChild(msg);
        tr._doc = doc;
        tr.addEventListener('click', function (e) { if (e.target.tagName !== 'BUTTON') toggle(tr); });
        if (prepend) tbody.insertBefore(tr, tbody.firstChild); else tbody.appendChild(tr);
        return tr;
      }

      function toggle(tr) {
        var next = tr.nextSibling;
        if (next && next.classList && next.classList.contains('detail')) { next.remove(); return; }
        var doc = tr._doc, id = get(doc, 'event.id');
        var detail = el('tr', { 'class': 'detail' }), td = el('td', { colspan: '4' });
        var actions = el('div', { 'class': 'actions' });
        var trace = get(doc, 'trace.id');
        if (trace) actions.appendChild(button('Same trace', function () { q.value = 'trace:"' + trace + '"'; run(true); }));
        actions.appendChild(button('Context', function () { context(id); }));
        actions.appendChild(button('Copy link', function () {
          var link = location.origin + '/search?' + new URLSearchParams({ q: 'id:"' + id + '"', from: 'now-30d', to: 'now' }).toString();
          if (navigator.clipboard) navigator.clipboard.writeText(link).catch(function () {});
          say('Link copied: ' + link);
        }));
        td.appendChild(actions);
        td.appendChild(el('pre', { 'class': 'json' }, JSON.stringify(doc, null, 2)));
        detail.appendChild(td);
        tr.parentNode.insertBefore(detail, tr.nextSibling);
      }
      function button(label, action) {
        var b = el('button', { type: 'button' }, label);
        b.addEventListener('click', function (e) { e.stopPropagation(); action(); });
        return b;
      }
      function say(text, isError) { status.textContent = text; status.className = 'status' + (isError ? ' error' : ''); }

      function context(id) {
        var box = $('context');
        box.hidden = false; box.textContent = 'Loading context…';
        api('/api/v1/logs/' + encodeURIComponent(id) + '/context?before=25&after=25').then(function (body) {
          box.textContent = '';
          var head = el('h2', {}, 'Context of ' + id);
          var close = button('Close', function () { box.hidden = true; });
          box.appendChild(head); box.appendChild(close);
          var table = el('table', { 'class': 'events' }), tb = el('tbody');
          body.events.forEach(function (doc, i) {
            var tr = el('tr', i === body.anchor_index ? { 'class': 'anchor' } : {});
            tr.appendChild(el('td', { 'class': 'time' }, new Date(doc['@timestamp']).toLocaleString()));
            tr.appendChild(el('td', { 'class': 'level' }, get(doc, 'log.level') || ''));
            tr.appendChild(el('td', { 'class': 'service' }, get(doc, 'service.name') || ''));
            tr.appendChild(el('td', { 'class': 'message' }, String(doc.message || '')));
            tb.appendChild(tr);
          });
          table.appendChild(tb); box.appendChild(table);
          box.scrollIntoView({ block: 'nearest' });
        }).catch(function (e) { box.textContent = e.message; });
      }

      function histogram(body) {
        var box = $('histogram');
        box.textContent = '';
        var buckets = body.buckets || [], W = 1000, H = 90;
        var max = Math.max.apply(null, [1].concat(buckets.map(function (b) { return b.count; })));
        var s = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none', width: '100%', height: H, role: 'img' });
        var bw = W / Math.max(buckets.length, 1);
        buckets.forEach(function (b, i) {
          var y = H;
          LEVELS.forEach(function (level) {
            var n = (b.levels || {})[level] || 0;
            if (!n) return;
            var h = n / max * (H - 4);
            y -= h;
            var r = svg('rect', { x: i * bw, y: y, width: Math.max(bw - 1, 1), height: h, fill: COLORS[level] });
            var t = svg('title', {}); t.textContent = b.start + ' ' + level + ': ' + n;
            r.appendChild(t); s.appendChild(r);
          });
        });
        var band = svg('rect', { x: 0, y: 0, width: 0, height: H, fill: 'rgba(47,91,211,.2)' });
        s.appendChild(band);
        var startX = null;
        function at(e) { var r = s.getBoundingClientRect(); return Math.min(Math.max((e.clientX - r.left) / r.width * W, 0), W); }
        s.addEventListener('mousedown', function (e) { startX = at(e); band.setAttribute('x', startX); band.setAttribute('width', 0); e.preventDefault(); });
        s.addEventListener('mousemove', function (e) {
          if (startX === null) return;
          var x = at(e); band.setAttribute('x', Math.min(x, startX)); band.setAttribute('width', Math.abs(x - startX));
        });
        window.addEventListener('mouseup', function (e) {
          if (startX === null) return;
          var x = at(e), a = Math.min(x, startX), b = Math.max(x, startX);
          startX = null;
          if (b - a < 3 || !buckets.length) return;
          var first = Date.parse(buckets[0].start), step = buckets.length > 1 ? Date.parse(buckets[1].start) - first : 1000;
          var span = step * buckets.length;
          from.value = new Date(first + a / W * span).toISOString();
          to.value = new Date(first + b / W * span).toISOString();
          range.value = 'custom';
          run(true);
        });
        box.appendChild(s);
        box.appendChild(el('div', { 'class': 'legend' }, 'interval ' + body.interval + ' · drag to narrow the range'));
      }

      function facets(body) {
        var box = $('facets');
        box.textContent = '';
        (body.facets || []).forEach(function (f) {
          box.appendChild(el('h3', {}, f.field === 'log.level' ? 'Level' : f.field === 'service.name' ? 'Service' : f.field));
          var ul = el('ul');
          f.values.forEach(function (v) {
            var li = el('li'), a = el('a', { href: '#', title: 'add ' + f.field + ':' + v.value + ' to the query' }, v.value);
            a.addEventListener('click', function (e) {
              e.preventDefault();
              var clause = f.field + ':"' + v.value.replace(/["\\]/g, '\\$&') + '"';
              q.value = q.value.trim() ? q.value.trim() + ' ' + clause : clause;
              run(true);
            });
            li.appendChild(a); li.appendChild(el('span', { 'class': 'count' }, ' ' + v.count));
            ul.appendChild(li);
          });
          if (f.missing) ul.appendChild(el('li', { 'class': 'missing' }, '(none) ' + f.missing));
          box.appendChild(ul);
        });
      }

      function page(body, append) {
        if (!append) { tbody.textContent = ''; selected = -1; }
        body.hits.forEach(function (doc) { row(doc, false); });
        cursor = body.next_cursor;
        more.hidden = !cursor;
        var total = body.total.value + (body.total.relation === 'gte' ? '+' : '');
        say(total + ' events · ' + body.took_ms + ' ms · ' + body.backend);
      }

      function remember() {
        var text = q.value.trim();
        if (!text) return;
        var recent = JSON.parse(localStorage.getItem('search.recent') || '[]').filter(function (x) { return x !== text; });
        recent.unshift(text);
        localStorage.setItem('search.recent', JSON.stringify(recent.slice(0, 15)));
        showRecent();
      }
      function showRecent() {
        var list = $('recent-queries');
        list.textContent = '';
        JSON.parse(localStorage.getItem('search.recent') || '[]').forEach(function (x) { list.appendChild(el('option', { value: x })); });
      }

      function exports() {
        ['ndjson', 'csv'].forEach(function (format) {
          var p = params(); p.set('format', format);
          $('export-' + format).href = '/api/v1/logs/export?' + p.toString();
        });
      }

      function run(push) {
        if (push) pushState();
        remember(); exports();
        var token = ++loadToken, p = params();
        $('context').hidden = true;
        say('Searching…');
        api('/api/v1/logs/search?' + p.toString() + '&size=100').then(function (body) { if (token === loadToken) page(body, false); })
          .catch(function (e) { if (token === loadToken) { tbody.textContent = ''; more.hidden = true; say(e.message, true); } });
        api('/api/v1/logs/histogram?' + p.toString() + '&buckets=60').then(function (body) { if (token === loadToken) histogram(body); })
          .catch(function () { $('histogram').textContent = ''; });
        api('/api/v1/logs/facets?' + p.toString() + '&fields=service.name,log.level&size=8').then(function (body) { if (token === loadToken) facets(body); })
          .catch(function () { $('facets').textContent = ''; });
        live();
      }

      function live() {
        if (tail) { tail.close(); tail = null; }
        if (!$('live').checked) return;
        tail = new EventSource('/api/v1/logs/tail?' + new URLSearchParams({ q: q.value }).toString());
        tail.addEventListener('event', function (e) {
          var tr = row(JSON.parse(e.data), true);
          tr.classList.add('fresh');
        });
        tail.addEventListener('cut', function () { say('Live tail fell behind and was cut; reconnecting…', true); });
        tail.addEventListener('gap', function (e) {
          var message = 'the live tail skipped some events';
          try { message = JSON.parse(e.data).message; } catch (err) {}
          say(message.charAt(0).toUpperCase() + message.slice(1), true);
        });
        tail.onerror = function () { say('Live tail reconnecting…', true); };
      }

      function loadSaved() {
        api('/api/v1/saved-searches').then(function (body) {
          var select = $('saved');
          select.length = 1;
          body.saved_searches.forEach(function (s) {
            var o = el('option', { value: String(s.id) }, s.name);
            o._search = s; select.appendChild(o);
          });
        }).catch(function () {});
      }

      form.addEventListener('submit', function (e) { e.preventDefault(); run(true); });
      range.addEventListener('change', function () {
        if (range.value === 'custom') { from.focus(); return; }
        from.value = range.value; to.value = 'now'; run(true);
      });
      $('live').addEventListener('change', function () { pushState(); live(); });
      more.addEventListener('click', function () {
        if (!cursor) return;
        var p = params(); p.set('cursor', cursor); p.set('size', '100');
        api('/api/v1/logs/search?' + p.toString()).then(function (body) { page(body, true); }).catch(function (e) { say(e.message, true); });
      });
      new IntersectionObserver(function (entries) {
        if (entries[0].isIntersecting && !more.hidden) more.click();
      }).observe(more);
      $('saved').addEventListener('change', function () {
        var o = $('saved').selectedOptions[0];
        if (!o || !o._search) return;
        q.value = o._search.query; from.value = o._search.from; to.value = o._search.to; run(true);
      });
      $('save').addEventListener('click', function () {
        var name = prompt('Name of this search');
        if (!name) return;
        api('/api/v1/saved-searches', { method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: name, query: q.value, from: from.value, to: to.value }) })
          .then(function () { say('Saved "' + name + '"'); loadSaved(); }).catch(function (e) { say(e.message, true); });
      });
      $('delete-saved').addEventListener('click', function () {
        var o = $('saved').selectedOptions[0];
        if (!o || !o._search) return;
        api('/api/v1/saved-searches/' + o._search.id, { method: 'DELETE' }).then(loadSaved).catch(function (e) { say(e.message, true); });
      });
      document.addEventListener('keydown', function (e) {
        var typing = /INPUT|SELECT|TEXTAREA/.test(document.activeElement.tagName);
        if (e.key === '/' && !typing) { e.preventDefault(); q.focus(); q.select(); return; }
        if (typing) return;
        var rows = Array.prototype.filter.call(tbody.children, function (r) { return !r.classList.contains('detail'); });
        if (e.key === 'j' || e.key === 'k') {
          selected = Math.min(Math.max(selected + (e.key === 'j' ? 1 : -1), 0), rows.length - 1);
          if (rows[selected]) rows[selected].focus();
        } else if (e.key === 'Enter' && document.activeElement.parentNode === tbody) {
          toggle(document.activeElement);
        } else if (e.key === 'Escape') {
          Array.prototype.forEach.call(tbody.querySelectorAll('tr.detail'), function (d) { d.remove(); });
          $('context').hidden = true;
        }
      });
      window.addEventListener('popstate', function () {
        var p = new URLSearchParams(location.search);
        q.value = p.get('q') || ''; from.value = p.get('from') || 'now-15m'; to.value = p.get('to') || 'now';
        $('live').checked = p.get('live') === '1';
        run(false);
      });
      showRecent(); loadSaved(); run(false);
    })();
    """#
}
