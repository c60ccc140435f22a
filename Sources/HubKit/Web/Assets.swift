/// The pages' only stylesheet and script, served from the binary (no build step, no CDN; the CSP
/// allows nothing but these).
public enum Assets {
    public static let css = """
    body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
    header { display: flex; gap: 1.5em; align-items: center; padding: .6em 1.2em; background: #1d2330; color: #fff; }
    header a { color: #cfe0ff; margin-right: 1em; }
    header nav { display: flex; align-items: center; gap: .5em; flex: 1; }
    header .who { margin-left: auto; opacity: .8; }
    main { max-width: 1100px; margin: 1.5em auto; padding: 0 1.2em; }
    table { border-collapse: collapse; width: 100%; background: #fff; }
    th, td { text-align: left; padding: .45em .6em; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
    tr.disabled { color: #8a919c; }
    form { margin: .2em 0; }
    form.inline { display: inline; }
    form.login, main > form { display: grid; gap: .6em; max-width: 28em; background: #fff; padding: 1em; border: 1px solid #e3e6ea; }
    form.login label, main > form > label { display: grid; gap: .25em; font-weight: 600; }
    form.login input, main > form > label > input, main > form > label > select { font: inherit; font-weight: 400; padding: .45em .5em; border: 1px solid #c5cad3; border-radius: 4px; }
    form.login button, main > form > button { font: inherit; padding: .5em; border: 0; border-radius: 4px; background: #2f5bd3; color: #fff; }
    main > form.filters { display: flex; flex-wrap: wrap; gap: .6em 1em; align-items: end; max-width: none; margin-bottom: 1em; }
    main > form.filters > label { font-weight: 600; }
    main > form.filters input, main > form.filters select { display: block; font: inherit; padding: .35em .4em; border: 1px solid #c5cad3; border-radius: 4px; }
    main > form.filters > button { font: inherit; padding: .45em 1em; border: 0; border-radius: 4px; background: #2f5bd3; color: #fff; }
    table.audit td, table.letters td { font-size: .92em; }
    .side-by-side { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
    .side-by-side pre { background: #f6f7f9; padding: .6em; overflow: auto; max-height: 24em; white-space: pre-wrap; word-break: break-word; margin: 0; }
    .state { display: inline-block; padding: .05em .5em; border-radius: 3px; background: #e3e6ea; font-size: .9em; }
    .state-ready, .state-taking { background: #d9f2de; color: #0f5a23; }
    .state-degraded, .state-starting, .state-retrying, .state-stale, .state-shedding { background: #fff1c7; color: #6b4a00; }
    .state-resolved { background: #d9f2de; color: #0f5a23; }
    .state-acknowledged, .state-silenced { background: #fff1c7; color: #6b4a00; }
    .state-unavailable, .state-misconfigured, .state-not_ready, .state-failed, .state-firing { background: #fbd9d9; color: #8a0000; }
    table.status td { vertical-align: middle; }
    svg.spark { display: block; }
    meter { width: 16em; height: 1.1em; vertical-align: middle; }
    p.notice { color: #0f5a23; font-weight: 600; }
    label.role { margin-right: .6em; white-space: nowrap; font-weight: 400; }
    button { cursor: pointer; }
    .error { color: #a30000; font-weight: 600; }
    .warn { color: #8a5a00; }
    .secret code { font-size: 1.1em; background: #fff; padding: .4em .6em; border: 1px dashed #888; user-select: all; word-break: break-all; }
    """

    /// Asks before destructive form posts (`data-confirm`). Everything works without it.
    public static let javascript = """
    document.addEventListener('submit', function (event) {
      var form = event.target;
      var question = form.getAttribute && form.getAttribute('data-confirm');
      if (question && !window.confirm(question)) { event.preventDefault(); }
    });
    """
}
