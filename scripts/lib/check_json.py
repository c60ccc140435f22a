"""Checks the project's JSON artifacts: run by scripts/check-json (and so by scripts/test).

- every *.json under ingest/ and dashboards/ parses;
- ingest/event.schema.json is a valid JSON Schema 2020-12, every line of ingest/examples/events.ndjson
  satisfies it, and a few events the contract calls malformed do not;
- each Grafana dashboard selects its Prometheus through the `datasource` variable (so one JSON serves
  both the UI import and provisioning) and uses only the hub's documented metric names.
"""
import json
import pathlib
import re
import sys

from jsonschema import Draft202012Validator

ROOT = pathlib.Path(__file__).resolve().parents[2]
METRICS = {
    "admin_ingest_events_total", "admin_ingest_requests_total", "admin_ingest_request_duration_seconds",
    "admin_spool_bytes", "admin_spool_segments", "admin_sink_delivered_total", "admin_sink_retried_total",
    "admin_sink_dead_lettered_total", "admin_sink_lag_bytes", "admin_redactions_total",
    "admin_input_events_total", "admin_input_dropped_total",
    "admin_alert_notifications_total",
}
# Events the schema must refuse: (what is wrong, the event).
MALFORMED = [
    ("an array is not an event", [1, 2]),
    ("an event id with a space", {"message": "x", "event.id": "not an id"}),
    ("an event id over 64 characters", {"message": "x", "id": "a" * 65}),
    ("a level that is an object", {"message": "x", "level": {"name": "info"}}),
    ("a negative epoch timestamp", {"message": "x", "ts": -5}),
    ("an empty service name", {"message": "x", "service": ""}),
]


def fail(problems: list[str]) -> int:
    for p in problems:
        print(f"check-json: {p}", file=sys.stderr)
    return 1


def main() -> int:
    problems: list[str] = []
    docs = {}
    for path in sorted([*ROOT.glob("ingest/**/*.json"), *ROOT.glob("dashboards/**/*.json")]):
        try:
            docs[path] = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            problems.append(f"{path.relative_to(ROOT)}: not valid JSON: {exc}")
    if problems:
        return fail(problems)

    schema_path = ROOT / "ingest/event.schema.json"
    schema = docs.get(schema_path)
    if schema is None:
        return fail([f"{schema_path.relative_to(ROOT)} is missing"])
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    samples = ROOT / "ingest/examples/events.ndjson"
    count = 0
    for n, line in enumerate(samples.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        count += 1
        try:
            event = json.loads(line)
        except ValueError as exc:
            problems.append(f"{samples.relative_to(ROOT)}:{n}: not valid JSON: {exc}")
            continue
        for err in validator.iter_errors(event):
            problems.append(f"{samples.relative_to(ROOT)}:{n}: {err.json_path}: {err.message}")
    if count == 0:
        problems.append(f"{samples.relative_to(ROOT)} holds no events")
    for what, event in MALFORMED:
        if validator.is_valid(event):
            problems.append(f"event.schema.json accepts {what}: {json.dumps(event)[:80]}")

    for path, doc in docs.items():
        if not path.is_relative_to(ROOT / "dashboards"):
            continue
        rel = path.relative_to(ROOT)
        variables = doc.get("templating", {}).get("list", [])
        if not any(v.get("name") == "datasource" and v.get("type") == "datasource" for v in variables):
            problems.append(f"{rel}: no `datasource` variable of type datasource")
        if "__inputs" in doc or "${DS_" in json.dumps(doc):
            problems.append(f"{rel}: import-time __inputs/${{DS_…}} cannot be provisioned; use ${{datasource}}")
        panels = [p for p in doc.get("panels", []) if p.get("type") != "row"]
        if not panels:
            problems.append(f"{rel}: no panels")
        for panel in panels:
            for target in panel.get("targets", []):
                expr = target.get("expr", "")
                used = set(re.findall(r"\badmin_[a-z_]+", expr))
                base = {re.sub(r"_(bucket|sum|count)$", "", m) for m in used}
                unknown = base - METRICS
                if unknown:
                    problems.append(f"{rel}: panel '{panel.get('title')}' uses unknown metrics {sorted(unknown)}")
                if not used:
                    problems.append(f"{rel}: panel '{panel.get('title')}' has a query without a hub metric")
    return fail(problems) if problems else 0


if __name__ == "__main__":
    sys.exit(main())
