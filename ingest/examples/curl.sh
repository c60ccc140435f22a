#!/usr/bin/env bash
# Sends sample events to a DataMP Admin hub in each body format the ingest endpoint accepts,
# and shows each answer with its HTTP status.
# Usage: ADMIN_URL=http://127.0.0.1:8080 ADMIN_TOKEN=<ingest token> ingest/examples/curl.sh
#        (without ADMIN_TOKEN it uses var/demo-token, written by scripts/run)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
url=${ADMIN_URL:-http://127.0.0.1:8080}
token=${ADMIN_TOKEN:-$(cat "$here/../../var/demo-token" 2>/dev/null || true)}
[[ -n $token ]] || { echo "curl.sh: set ADMIN_TOKEN to an ingest token (scripts/run prints one)" >&2; exit 2; }

post() {
  curl -sS -X POST "$url/api/v1/logs" -H "Authorization: Bearer $token" -w '\n  -> HTTP %{http_code}\n' "$@" \
    || echo "  -> no answer from $url (curl exit status $?)"
}

echo "1. NDJSON, one event per line (application/x-ndjson; application/jsonl works too):"
post -H 'Content-Type: application/x-ndjson' --data-binary @"$here/events.ndjson"

echo "2. JSON, one object:"
post -H 'Content-Type: application/json' \
  --data-binary '{"level":"info","message":"manual top-up requested","service":"core","shop_id":42}'

echo "3. JSON, an array of objects:"
post -H 'Content-Type: application/json' \
  --data-binary '[{"level":"info","message":"first of two"},{"level":"warning","message":"second of two"}]'

echo "4. NDJSON compressed with gzip (Content-Encoding: gzip):"
gzip -c "$here/events.ndjson" |
  post -H 'Content-Type: application/x-ndjson' -H 'Content-Encoding: gzip' --data-binary @-

echo "5. A request with one bad line: 202, the good events accepted, the bad one reported by index:"
printf '%s\n' '{"message":"good event"}' '{"message": not json}' '{"message":"another good one"}' |
  post -H 'Content-Type: application/x-ndjson' --data-binary @-
