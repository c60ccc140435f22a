#!/usr/bin/env bash
# scripts/bench shipping: the shipping-side benchmark (not a test). Starts its own stand-ins (profile
# bench) and a release build of the hub with the Elasticsearch input on and the stores off, and stops
# everything it started.
#
#   inputs: wrk -t2 -c4 -dBENCH_DURATION (15s) with the same 1000 events (~360 B) per request, first
#           to POST /api/v1/logs (NDJSON), then to POST /es/_bulk (an index action per event), then to
#           POST /v1/logs (OTLP protobuf, the same events as log records) in the same run; acknowledged
#           events/s and p50/p99 of each. Then the listeners, which answer nothing: BENCH_STREAM_EVENTS
#           (200000) of the same events as GELF over UDP and TCP, and as RFC 5424 over syslog TCP and
#           UDP (scripts/lib/bench_stream_inputs.py: 4 connections for TCP); events/s accepted by the
#           hub (admin_ingest_events_total on /metrics) from the first send to the last accepted, and
#           the events lost (sent - accepted).
#   python: what one logger.info costs with datamp-logging's AdminHandler, hub up and hub down
#           (BENCH_PY_CALLS, 20000), p50/p99/max.
# Results: var/bench/shipping.txt.
set -euo pipefail
SCRIPT_NAME=bench-shipping
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
duration=${BENCH_DURATION:-15s}
py_calls=${BENCH_PY_CALLS:-20000}
stream_events=${BENCH_STREAM_EVENTS:-200000}
bench_dir=$VAR/bench
export STANDINS_PROFILE=bench
"$ROOT/scripts/install-deps"
build_admin
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^ADMIN_' || true)

HUB_PID=''
cleanup() {
  local rc=$?
  stop_hub
  STANDINS_QUIET=1 "$ROOT/scripts/standins" stop || true
  rm -rf "$bench_dir/data-shipping"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

STANDINS_QUIET=1 "$ROOT/scripts/standins" start --fresh
eval "$("$ROOT/scripts/standins" env | grep '^export ADMIN_DATABASE_URL=')"
export ADMIN_SPOOL_MAX_BYTES=17179869184 ADMIN_SELF_INGEST=false ADMIN_INPUTS_ELASTICSEARCH_ENABLED=true ADMIN_INPUTS_OTLP_ENABLED=true
ADMIN_LISTEN="127.0.0.1:$(pick_port 58090)"
export ADMIN_LISTEN ADMIN_DATA_DIR=$bench_dir/data-shipping
gelf_udp_port=$(pick_port 58201 '' udp) gelf_tcp_port=$(pick_port 58211) syslog_tcp_port=$(pick_port 58221) syslog_udp_port=$(pick_port 58231 '' udp)
export ADMIN_INPUTS_GELF_UDP_LISTEN=127.0.0.1:$gelf_udp_port ADMIN_INPUTS_GELF_UDP_SERVICE=bench \
  ADMIN_INPUTS_GELF_TCP_LISTEN=127.0.0.1:$gelf_tcp_port ADMIN_INPUTS_GELF_TCP_SERVICE=bench \
  ADMIN_INPUTS_SYSLOG_TCP_LISTEN=127.0.0.1:$syslog_tcp_port ADMIN_INPUTS_SYSLOG_UDP_LISTEN=127.0.0.1:$syslog_udp_port \
  ADMIN_INPUTS_SYSLOG_SERVICE=bench
url="http://$ADMIN_LISTEN"
mkdir -p "$bench_dir/log"
rm -rf "$ADMIN_DATA_DIR" && mkdir -p "$ADMIN_DATA_DIR"
run_logged "$bench_dir/log/admin-migrate.log" "$BIN" migrate || die "'admin migrate' failed"
token=$("$BIN" token create --service bench 2>>"$bench_dir/log/admin-cli.log" | tail -n 1 | tr -d '[:space:]')
body=$bench_dir/body.ndjson bulk=$bench_dir/body.bulk
mean_bytes=$("$VENV/bin/python" "$ROOT/scripts/lib/bench_tools.py" gen "$body" 1000)
awk '{print "{\"index\":{}}"; print}' "$body" >"$bulk"
otlp=$bench_dir/body.otlp.pb
"$VENV/bin/python" "$ROOT/scripts/lib/bench_otlp_body.py" "$body" "$otlp"

(exec setsid "$BIN" serve </dev/null >"$bench_dir/log/admin-shipping.log" 2>&1) &
HUB_PID=$!
deadline=$((SECONDS + 60))
until curl -fs -o /dev/null --max-time 2 "$url/readyz"; do
  kill -0 "$HUB_PID" 2>/dev/null || { tail_log "$bench_dir/log/admin-shipping.log"; die "admin serve exited during start-up"; }
  ((SECONDS < deadline)) || die "admin serve was not ready within 60s"
  sleep 0.2
done

# wrk_run ID NAME PATH BODY CONTENT_TYPE OK_STATUS → "NAME events/s p50 p99 failed"
wrk_run() {
  local id=$1
  shift
  export BENCH_BODY=$3 BENCH_TOKEN=$token BENCH_CONTENT_TYPE=$4 BENCH_OK_STATUS=$5
  wrk -t1 -c1 -d2s -s "$ROOT/scripts/bench-post.lua" "$url$2" >/dev/null 2>&1 || true
  wrk -t2 -c4 -d"$duration" --latency -s "$ROOT/scripts/bench-post.lua" "$url$2" >"$bench_dir/wrk-$id.txt" 2>&1 || die "wrk failed on $2"
  local line
  line=$(grep '^BENCH ' "$bench_dir/wrk-$id.txt") || { cat "$bench_dir/wrk-$id.txt" >&2; die "wrk printed no BENCH line"; }
  declare -A r
  for kv in ${line#BENCH }; do r[${kv%%=*}]=${kv#*=}; done
  awk -v name="$1" -v n="$((r[requests] - r[non202]))" -v bad="${r[non202]}" -v us="${r[duration_us]}" \
      -v p50="${r[p50_us]}" -v p99="${r[p99_us]}" \
      'BEGIN {printf "  %-38s %9.0f events/s   p50 %6.2f ms   p99 %6.2f ms   failed requests %d\n", name, n * 1000 / (us / 1e6), p50 / 1000, p99 / 1000, bad}'
}

# stream_run NAME MODE PORT → "NAME events/s lost"
stream_run() {
  local line
  line=$("$VENV/bin/python" "$ROOT/scripts/lib/bench_stream_inputs.py" "$2" 127.0.0.1 "$3" "$stream_events" "$body" "$url/metrics") ||
    die "bench_stream_inputs.py $2 failed"
  declare -A r
  for kv in ${line#STREAM }; do r[${kv%%=*}]=${kv#*=}; done
  awk -v name="$1" -v eps="${r[events_per_s]}" -v s="${r[seconds]}" -v sent="${r[sent]}" -v lost="${r[lost]}" -v why="${r[dropped_by_hub]}" \
      'BEGIN {printf "  %-38s %9.0f events/s   in %6.2f s   lost %d of %d (dropped by the hub: %s)\n", name, eps, s, lost, sent, why}'
}

say "inputs: wrk -t2 -c4 -d$duration, 1000 events (~$mean_bytes B) per request"
{
  echo
  echo "DataMP Admin shipping benchmark, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), ${BIN#"$ROOT"/}"
  echo "inputs (stores off, fsync before every answer; the same 1000 events per request):"
  wrk_run logs "POST /api/v1/logs (NDJSON)" /api/v1/logs "$body" application/x-ndjson 202
  wrk_run es "POST /es/_bulk (Elasticsearch)" /es/_bulk "$bulk" application/x-ndjson 200
  wrk_run otlp "POST /v1/logs (OTLP protobuf)" /v1/logs "$otlp" application/x-protobuf 200
  echo "listeners (no answer: events accepted by the hub per second, first send to last accepted; $stream_events events each):"
  stream_run "GELF UDP" gelf-udp "$gelf_udp_port"
  stream_run "GELF TCP (4 connections)" gelf-tcp "$gelf_tcp_port"
  stream_run "syslog TCP (RFC 5424, octet counting)" syslog-tcp "$syslog_tcp_port"
  stream_run "syslog UDP (RFC 5424)" syslog-udp "$syslog_udp_port"
  echo "python: datamp-logging AdminHandler, one logger.info with extra fields ($py_calls calls):"
  "$VENV/bin/python" "$ROOT/scripts/lib/bench_python_handler.py" "$url" "$token" "$py_calls" |
    awk '{for (i = 2; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}
          printf "  %-38s p50 %6.1f us   p99 %6.1f us   max %8.1f us\n", v["case"], v["p50_us"], v["p99_us"], v["max_us"]}'
} | tee "$bench_dir/shipping.txt"
