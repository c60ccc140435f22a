#!/usr/bin/env bash
# scripts/bench operations: the operations benchmark (not a test). Starts its own stand-ins (profile
# bench; only PostgreSQL is used), a release build of the hub and a CORE double (scripts/lib/bench_operations.py),
# and stops everything it started.
#
#   For each CORE latency in BENCH_OPERATIONS_LATENCIES ("0 50" ms) and each client count in
#   BENCH_OPERATIONS_WORKERS ("1 16"): the clients post top-ups under the approval threshold, one at a
#   time each, for BENCH_OPERATIONS_SECONDS (10); reports
#   applied operations/s, the round trip p50/p99, and the hub's own share p50/p99 (round trip minus
#   the time CORE held the request: PostgreSQL writes, the audit chain, the proxying).
# Results: var/bench/operations.txt.
set -euo pipefail
SCRIPT_NAME=bench-operations
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
seconds=${BENCH_OPERATIONS_SECONDS:-10}
bench_dir=$VAR/bench
export STANDINS_PROFILE=bench
"$ROOT/scripts/install-deps"
build_admin
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^ADMIN_' || true)

HUB_PID='' CORE_PID=''
stop_core() {
  if [[ -n $CORE_PID ]]; then kill "$CORE_PID" 2>/dev/null || true; wait "$CORE_PID" 2>/dev/null || true; fi
  CORE_PID=''
}
cleanup() {
  local rc=$?
  stop_hub
  stop_core
  STANDINS_QUIET=1 "$ROOT/scripts/standins" stop || true
  rm -rf "$bench_dir/data-operations"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

STANDINS_QUIET=1 "$ROOT/scripts/standins" start --fresh
eval "$("$ROOT/scripts/standins" env | grep -v '^export ADMIN_TEST_')"
unset ADMIN_MONGODB_URI ADMIN_ELASTICSEARCH_URL
export ADMIN_SELF_INGEST=false ADMIN_AUTH_BCRYPT_COST=10
ADMIN_LISTEN="127.0.0.1:$(pick_port 58280)"
export ADMIN_LISTEN
url="http://$ADMIN_LISTEN"
core_port=$(pick_port 58290)
export ADMIN_CORE_URL="http://127.0.0.1:$core_port" ADMIN_CORE_TOKEN=bench-core-token
# The benchmark measures the proxy, not the limits: no per-user rate limit or cap gets in the way.
export ADMIN_OPERATIONS_RATE_LIMIT_PER_MINUTE=100000
mkdir -p "$bench_dir/log"
export ADMIN_DATA_DIR=$bench_dir/data-operations
rm -rf "$ADMIN_DATA_DIR" && mkdir -p "$ADMIN_DATA_DIR"
run_logged "$bench_dir/log/operations-migrate.log" "$BIN" migrate || die "'admin migrate' failed"
ADMIN_USER_PASSWORD=quiet-harbor-lantern-57 run_logged "$bench_dir/log/operations-user.log" \
  "$BIN" user create --email bencher@example.test --role admin || die "'admin user create' failed"
token=$("$BIN" user token create --email bencher@example.test 2>>"$bench_dir/log/admin-cli.log" | tail -n 1 | tr -d '[:space:]')

results=()
for latency in ${BENCH_OPERATIONS_LATENCIES:-0 50}; do
  "$VENV/bin/python" "$ROOT/scripts/lib/bench_operations.py" fake-core "$core_port" "$latency" &
  CORE_PID=$!
  (exec setsid "$BIN" serve </dev/null >"$bench_dir/log/admin-operations-$latency.log" 2>&1) &
  HUB_PID=$!
  deadline=$((SECONDS + 60))
  until curl -fs -o /dev/null --max-time 2 "$url/readyz"; do
    kill -0 "$HUB_PID" 2>/dev/null || { tail_log "$bench_dir/log/admin-operations-$latency.log"; die "admin serve exited during start-up"; }
    ((SECONDS < deadline)) || die "admin serve was not ready within 60s"
    sleep 0.2
  done
  "$VENV/bin/python" "$ROOT/scripts/lib/bench_operations.py" run "$url" "$token" 2 2 "$ADMIN_CORE_URL" >/dev/null
  for workers in ${BENCH_OPERATIONS_WORKERS:-1 16}; do
    say "operations through the proxy: CORE latency ${latency} ms, $workers clients, ${seconds}s"
    line=$("$VENV/bin/python" "$ROOT/scripts/lib/bench_operations.py" run "$url" "$token" "$seconds" "$workers" "$ADMIN_CORE_URL")
    results+=("core_latency_ms=$latency clients=$workers ${line#BENCH }")
  done
  stop_hub
  stop_core
done
printf '%s\n' "${results[@]}" | tee "$bench_dir/operations.txt"
