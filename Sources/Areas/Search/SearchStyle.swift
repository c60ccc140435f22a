/// The search page's stylesheet (/assets/search.css), beside the shared /assets/app.css.
enum SearchStyle {
    static let css = """
    main { max-width: 1400px; }
    .search-bar { display: flex; gap: .4em; flex-wrap: wrap; align-items: center; }
    .search-bar #q { flex: 1 1 28em; font: 15px ui-monospace, monospace; padding: .5em; border: 1px solid #c5cad3; border-radius: 4px; }
    .search-bar input, .search-bar select, .search-bar button { font: inherit; padding: .45em; border: 1px solid #c5cad3; border-radius: 4px; }
    .search-bar button { background: #2f5bd3; color: #fff; border: 0; padding: .5em 1.1em; }
    .toggle { white-space: nowrap; }
    .toolbar { display: flex; gap: 1.5em; align-items: baseline; flex-wrap: wrap; margin: .5em 0; }
    .help table.syntax { width: auto; font-size: 13px; margin: .4em 0; }
    .help td { padding: .2em .5em; }
    .status { color: #50586a; min-height: 1.4em; margin: .3em 0; }
    .layout { display: grid; grid-template-columns: 14em 1fr; gap: 1em; }
    aside h3 { font-size: 13px; text-transform: uppercase; color: #50586a; margin: .8em 0 .3em; }
    aside ul { list-style: none; padding: 0; margin: 0; font-size: 14px; }
    aside li { display: flex; justify-content: space-between; gap: .5em; padding: .1em 0; }
    aside li a { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    aside .count, aside .missing { color: #7d8793; }
    .histogram { background: #fff; border: 1px solid #e3e6ea; padding: .3em; margin-bottom: .6em; cursor: crosshair; user-select: none; }
    .histogram .legend { font-size: 12px; color: #7d8793; }
    table.events { font-size: 14px; table-layout: fixed; }
    table.events th.time { width: 12em; } table.events th.level { width: 6.5em; } table.events th.service { width: 9em; }
    table.events td.message { font-family: ui-monospace, monospace; font-size: 13px; white-space: pre-wrap; word-break: break-word; }
    table.events tbody tr { cursor: pointer; }
    table.events tbody tr:hover, table.events tbody tr:focus { background: #eef3ff; outline: none; }
    tr.detail { cursor: default; background: #fafbfc; }
    tr.detail pre { margin: .4em 0; font-size: 12px; max-height: 28em; overflow: auto; background: #fff; border: 1px solid #e3e6ea; padding: .6em; }
    tr.detail .actions button, .context button { margin-right: .4em; font: inherit; font-size: 13px; padding: .2em .6em; }
    tr.fresh { animation: fresh 2s ease-out; }
    @keyframes fresh { from { background: #fff3bf; } to { background: transparent; } }
    tr.anchor { background: #fff3bf; font-weight: 600; }
    mark { background: #ffe066; padding: 0 1px; }
    .badge { display: inline-block; padding: 0 .45em; border-radius: 3px; color: #fff; font-size: 12px; font-weight: 600; }
    .level-trace { background: #9aa3ad; } .level-debug { background: #7d8793; } .level-info { background: #3b7dd8; }
    .level-notice { background: #2a9d8f; } .level-warning { background: #e0a100; } .level-error { background: #d1495b; }
    .level-critical { background: #a4161a; } .level-alert { background: #7b2cbf; } .level-emergency { background: #3c096c; }
    .context { margin-top: 1em; background: #fff; border: 1px solid #e3e6ea; padding: .6em; }
    @media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
    """
}
