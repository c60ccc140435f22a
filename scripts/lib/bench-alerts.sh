#!/usr/bin/env bash
# scripts/bench alerts: the alerting benchmark (not a test). Starts its own stand-ins (profile bench),
# a release build of the hub and a fake Telegram Bot API, and stops everything it started.
#
#   delay: a critical event's 202 → the Telegram sendMessage request (group_wait 0), probed every
#          1.2 s for BENCH_ALERTS_SECONDS (30) with 1,000 and then 50,000 info events/s of background
#          traffic (BENCH_ALERTS_RATES, "1000 50000"); p50 / p99 / max, and the alerting reader's lag at the end.
#   intake: wrk as in scripts/bench phase 1 (sinks off) with alerting off, then on (Telegram + a rule
#          tree reading the spool); acknowledged events/s of each.
#
# scripts/bench alerts --throughput: only the intake comparison, alternately off and on
# (off on off on …, BENCH_ALERTS_ROUNDS pairs, default 4) in one run so drift on a shared machine
# hits both alike; prints every number, each pair's on/off ratios (throughput, and the hub's CPU per
# event) and their medians. BENCH_ALERTS_PERF=1: perf profile of 10 s of an "on" run (perf-alerting-on.txt).
# Results: var/bench/alerts.txt.
set -euo pipefail
SCRIPT_NAME=bench-alerts
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
throughput_only=false
case ${1:-} in
  --throughput) throughput_only=true ;;
  '') ;;
  *) die "unknown argument '$1' (scripts/bench alerts [--throughput])" ;;
esac
seconds=${BENCH_ALERTS_SECONDS:-30}
rounds=${BENCH_ALERTS_ROUNDS:-4}
duration=${BENCH_DURATION:-15s}
bench_dir=$VAR/bench
export STANDINS_PROFILE=bench
"$ROOT/scripts/install-deps"
build_admin
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^ADMIN_' || true)

HUB_PID='' TG_PID=''
cleanup() {
  local rc=$?
  stop_hub
  if [[ -n $TG_PID ]]; then kill "$TG_PID" 2>/dev/null || true; fi
  STANDINS_QUIET=1 "$ROOT/scripts/standins" stop || true
  rm -rf "$bench_dir/data-alerts"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

STANDINS_QUIET=1 "$ROOT/scripts/standins" start --fresh
eval "$("$ROOT/scripts/standins" env | grep -v '^export ADMIN_TEST_')"
unset ADMIN_MONGODB_URI ADMIN_ELASTICSEARCH_URL
export ADMIN_SELF_INGEST=false ADMIN_SPOOL_MAX_BYTES=17179869184
ADMIN_LISTEN="127.0.0.1:$(pick_port 58180)"
export ADMIN_LISTEN
url="http://$ADMIN_LISTEN"
mkdir -p "$bench_dir/log"
export ADMIN_DATA_DIR=$bench_dir/data-alerts
run_logged "$bench_dir/log/alerts-migrate.log" "$BIN" migrate || die "'admin migrate' failed"
token=$("$BIN" token create --service bench 2>>"$bench_dir/log/admin-cli.log" | tail -n 1 | tr -d '[:space:]')

tg_port=$(pick_port 58190)
tg_out=$bench_dir/telegram-probes.txt
rm -f "$tg_out"
"$VENV/bin/python" "$ROOT/scripts/lib/bench_alerts.py" fake-telegram "$tg_port" "$tg_out" &
TG_PID=$!

start_hub() {
  rm -rf "$ADMIN_DATA_DIR" && mkdir -p "$ADMIN_DATA_DIR"
  (exec setsid "$BIN" serve </dev/null >"$1" 2>&1) &
  HUB_PID=$!
  local deadline=$((SECONDS + 60))
  until curl -fs -o /dev/null --max-time 2 "$url/readyz"; do
    kill -0 "$HUB_PID" 2>/dev/null || { tail_log "$1"; die "admin serve exited during start-up"; }
    ((SECONDS < deadline)) || { tail_log "$1"; die "admin serve was not ready within 60s"; }
    sleep 0.2
  done
}
alerting_on() {
  # A private chat (positive id: no 20-a-minute group limit) and no storm cap, so probes are not held back.
  export ADMIN_TELEGRAM_BOT_TOKEN=1:bench ADMIN_TELEGRAM_CHAT_ID=4242 ADMIN_TELEGRAM_API_URL=http://127.0.0.1:$tg_port
  export ADMIN_ALERTING_PER_CHAT_PER_MINUTE=1000 ADMIN_ALERTING_DISPATCH_INTERVAL_MS=100
}
alerting_off() { unset ADMIN_TELEGRAM_BOT_TOKEN ADMIN_TELEGRAM_CHAT_ID ADMIN_TELEGRAM_API_URL; }

results=()
rates=${BENCH_ALERTS_RATES:-1000 50000}
[[ $throughput_only == true ]] && rates=''
for rate in $rates; do
  say "delay: critical event → Telegram request, $rate background events/s, ${seconds}s"
  alerting_on
  start_hub "$bench_dir/log/admin-alerts-$rate.log"
  rm -f "$tg_out"
  line=$("$VENV/bin/python" "$ROOT/scripts/lib/bench_alerts.py" probe "$url" "$token" "$seconds" "$rate" "$tg_out")
  lag=$(curl -fs "$url/readyz" | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin).get("alerts", {}).get("spool", {}).get("lag_bytes", "?"))' || echo '?')
  results+=("background=$rate ${line#BENCH } alerting_lag_bytes_at_end=$lag")
  curl -fs "$url/metrics" | grep -E '^admin_alert_notification_delay' >"$bench_dir/alerts-delay-metrics-$rate.txt" || true
  stop_hub
done

body=$bench_dir/body.ndjson
"$VENV/bin/python" "$ROOT/scripts/lib/bench_tools.py" gen "$body" 1000 >/dev/null
export BENCH_BODY=$body BENCH_TOKEN=$token
# intake MODE: one wrk run against a fresh hub with alerting MODE (on/off); sets eps (acknowledged
# events/s) and cpu (the hub's CPU microseconds per event, counted until the alerting reader has caught
# up: less sensitive than eps to other work on a shared machine) and lag (the reader's lag when wrk ends).
intake() {
  local mode=$1
  if [[ $mode == on ]]; then alerting_on; else alerting_off; fi
  say "intake with alerting $mode (wrk -t2 -c4 -d$duration)"
  start_hub "$bench_dir/log/admin-intake-alerting-$mode.log"
  wrk -t1 -c1 -d2s -s "$ROOT/scripts/bench-post.lua" "$url/api/v1/logs" >/dev/null 2>&1 || true
  local before pg_before perf_pid=''
  before=$(cpu_ticks) pg_before=$(pg_ticks)
  if [[ $mode == on && -n ${BENCH_ALERTS_PERF:-} ]]; then
    perf record -F 499 -g -p "$HUB_PID" -o "$bench_dir/perf-alerting-on.data" -- sleep 10 >/dev/null 2>&1 &
    perf_pid=$!
  fi
  wrk -t2 -c4 -d"$duration" --latency -s "$ROOT/scripts/bench-post.lua" "$url/api/v1/logs" >"$bench_dir/wrk-alerting-$mode.txt" 2>&1
  lag=$(alerting_lag)
  if [[ $mode == on ]]; then
    local deadline=$((SECONDS + 60))
    while [[ $(alerting_lag) != 0 ]] && ((SECONDS < deadline)); do sleep 0.2; done
  fi
  local after pg_after
  after=$(cpu_ticks) pg_after=$(pg_ticks)
  if [[ -n $perf_pid ]]; then
    wait "$perf_pid" || true
    perf report -i "$bench_dir/perf-alerting-on.data" --no-children --stdio 2>/dev/null | swift demangle --simplified \
      | grep -E '^ +[0-9.]+%' | head -n 60 >"$bench_dir/perf-alerting-on.txt" || true
  fi
  local line
  line=$(grep '^BENCH ' "$bench_dir/wrk-alerting-$mode.txt")
  declare -A r=()
  for kv in ${line#BENCH }; do r[${kv%%=*}]=${kv#*=}; done
  stop_hub
  local events=$(((r[requests] - r[non202]) * 1000))
  eps=$(awk -v n="$events" -v us="${r[duration_us]}" 'BEGIN {printf "%.0f", n / (us / 1e6)}')
  cpu=$(awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$events" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}')
  pg_cpu=$(awk -v t="$((pg_after - pg_before))" -v hz="$(getconf CLK_TCK)" -v n="$events" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}')
}
# The hub's CPU time so far (user + system, clock ticks), and the alerting reader's lag in bytes.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$HUB_PID/stat"; }
# The bench PostgreSQL's backends (children of its postmaster) together: the alerting state's cost.
pg_ticks() {
  local pm
  pm=$(head -n1 "$bench_dir/run/postgres.pid" 2>/dev/null) || { echo 0; return; }
  local total=0 t
  for child in $(ps -o pid= --ppid "$pm"); do
    t=$(awk '{print $14 + $15}' "/proc/$child/stat" 2>/dev/null) && total=$((total + t))
  done
  echo "$total"
}
alerting_lag() {
  curl -fs "$url/readyz" | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin).get("alerts", {}).get("spool", {}).get("lag_bytes", 0))' 2>/dev/null || echo '?'
}
pairs=1
[[ $throughput_only == true ]] && pairs=$rounds
ratios=() cpu_ratios=()
for ((i = 1; i <= pairs; i++)); do
  intake off
  off=$eps off_cpu=$cpu off_pg=$pg_cpu
  intake on
  on=$eps on_cpu=$cpu on_pg=$pg_cpu
  ratios+=("$(awk -v a="$on" -v b="$off" 'BEGIN {printf "%.3f", a / b}')")
  cpu_ratios+=("$(awk -v a="$on_cpu" -v b="$off_cpu" 'BEGIN {printf "%.3f", a / b}')")
  results+=("intake round=$i off: events_per_s=$off cpu_us_per_event=$off_cpu pg_cpu_us_per_event=$off_pg | on: events_per_s=$on cpu_us_per_event=$on_cpu pg_cpu_us_per_event=$on_pg alerting_lag_bytes_when_wrk_ended=$lag | on/off events_per_s=${ratios[-1]} cpu=${cpu_ratios[-1]}")
  say "${results[-1]}"
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
m=$(median "${ratios[@]}") mc=$(median "${cpu_ratios[@]}")
results+=("intake median over $pairs pairs: on/off events_per_s=$m (alerting costs $(awk -v m="$m" 'BEGIN {printf "%.1f", (1 - m) * 100}') % of throughput), on/off cpu_per_event=$mc")
printf '%s\n' "${results[@]}" | tee "$bench_dir/alerts.txt"
