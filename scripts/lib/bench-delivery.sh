#!/usr/bin/env bash
# The delivery ceiling (not a test): how many events/s each sink pushes into a store that costs
# nothing, against the intake rate of the same machine in the same run. `scripts/bench delivery`.
#
#   1. intake: a hub whose sinks point at a closed port (they cannot deliver, so everything stays in
#      the spool); wrk -t2 -c4 -d$BENCH_DURATION POSTs 1000-event bodies: the intake rate, and a full
#      spool of N acknowledged events. The hub is stopped and its data directory kept as the template.
#   2. drain: for each sink alone and each max_in_flight (1, then the default), a copy of that data
#      directory and a hub with only that sink, pointing at the null store (Sources/NullStore, release
#      build): events/s from its first delivered event to the N-th, counted by the null store, and the
#      CPU of the hub and of the null store over that span (the null store must stay far below the hub,
#      or it measures itself).
#   3. together: a fresh hub with both sinks on the null store takes wrk's bodies as in step 1 while
#      delivering; the intake rate, each sink's rate meanwhile, and the time until both caught up
#      (BENCH_DELIVERY_TOGETHER=0 leaves it out).
#
# Environment: BENCH_DURATION (8s: ~1M events at 120k/s), BENCH_IN_FLIGHT (the max_in_flight values to
# drain with, default "1 4"), BENCH_PROFILE=1 (perf record -e cpu-clock on the hub during the drains
# with the last of those values; flat reports in var/bench/perf-<sink>.txt), ADMIN_BIN,
# BENCH_NULL_STORE_BIN (another null-store binary, to compare two), BENCH_SINKS ("elasticsearch mongodb", or one of them), BENCH_DELIVERY_SPOOL=keep (leave the filled
# spool in var/bench/delivery-template for the next run) or reuse (drain the kept spool again without
# the intake phase; the intake rate printed is the kept run's: compare builds on one spool this way,
# alternating them, and take the intake from a run of its own).
# Results: var/bench/delivery.txt.
set -euo pipefail
SCRIPT_NAME='bench delivery'
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

duration=${BENCH_DURATION:-8s}
read -r -a sinks <<<"${BENCH_SINKS:-elasticsearch mongodb}"
spool_mode=${BENCH_DELIVERY_SPOOL:-}
case $spool_mode in
  '' | keep) ;;
  reuse) [[ -f $VAR/bench/delivery-template.events ]] || die "BENCH_DELIVERY_SPOOL=reuse: no kept spool (run once with BENCH_DELIVERY_SPOOL=keep)" ;;
  *) die "BENCH_DELIVERY_SPOOL=$spool_mode: use keep or reuse" ;;
esac
read -r -a in_flights <<<"${BENCH_IN_FLIGHT:-1 4}"
profiled=${in_flights[${#in_flights[@]}-1]}
per_request=1000
bench_dir=$VAR/bench
export STANDINS_PROFILE=bench

command -v wrk >/dev/null || die "wrk is not installed (scripts/install-deps installs it)"
build_admin
say "building null-store (release)"
run_logged "$VAR/log/build-null-store.log" swift build --package-path "$ROOT" -c release --product null-store || die "the build failed"
NULL_STORE=${BENCH_NULL_STORE_BIN:-"$(swift build --package-path "$ROOT" -c release --show-bin-path)/null-store"}

while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^ADMIN_' || true)

HUB_PID='' NULL_PID='' PERF_PID=''
cleanup() {
  local rc=$?
  [[ -n $PERF_PID ]] && kill -INT "$PERF_PID" 2>/dev/null
  stop_hub
  if [[ -n $NULL_PID ]] && pid_matches "$NULL_PID" null-store; then stop_pid "$NULL_PID" null-store 5; fi
  STANDINS_QUIET=1 "$ROOT/scripts/standins" stop || true
  rm -rf "$bench_dir/delivery-run"
  [[ -n $spool_mode ]] || rm -rf "$bench_dir/delivery-template" "$bench_dir"/delivery-template.{events,rate}
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

STANDINS_QUIET=1 "$ROOT/scripts/standins" start --fresh
eval "$("$ROOT/scripts/standins" env | grep -v '^export ADMIN_TEST_' | grep -v -e ADMIN_MONGODB_URI -e ADMIN_ELASTICSEARCH_URL)"
export ADMIN_SPOOL_MAX_BYTES=17179869184 ADMIN_SELF_INGEST=false
ADMIN_LISTEN="127.0.0.1:$(pick_port 58180)"
export ADMIN_LISTEN
url="http://$ADMIN_LISTEN"
mkdir -p "$bench_dir/log"

# The null store, on free ports; it prints them once listening.
(exec "$NULL_STORE" >"$bench_dir/log/null-store.out" 2>"$bench_dir/log/null-store.err") &
NULL_PID=$!
wait_for 10 grep -q '^null-store es=' "$bench_dir/log/null-store.out" || die "null-store did not start"
read -r es_port mongo_port < <(sed 's/null-store es=\([0-9]*\) mongo=\([0-9]*\)/\1 \2/' "$bench_dir/log/null-store.out")
stats="http://127.0.0.1:$es_port/_null/stats"
dead_port=$(pick_port 58190)

export ADMIN_DATA_DIR=$bench_dir/delivery-template
[[ $spool_mode == reuse ]] || { rm -rf "$ADMIN_DATA_DIR" && mkdir -p "$ADMIN_DATA_DIR"; }
run_logged "$bench_dir/log/admin-migrate.log" "$BIN" migrate || die "'admin migrate' failed"
token=$("$BIN" token create --service bench 2>>"$bench_dir/log/admin-cli.log" | tail -n 1 | tr -d '[:space:]')
[[ -n $token ]] || die "'admin token create --service bench' printed no token"
body=$bench_dir/body.ndjson
mean_bytes=$("$VENV/bin/python" "$ROOT/scripts/lib/bench_tools.py" gen "$body" "$per_request")

start_hub() { # LOG
  (exec setsid "$BIN" serve </dev/null >"$1" 2>&1) &
  HUB_PID=$!
  local deadline=$((SECONDS + 60))
  until curl -fs -o /dev/null --max-time 2 "$url/healthz"; do
    kill -0 "$HUB_PID" 2>/dev/null || { tail_log "$1"; die "admin serve exited during start-up"; }
    ((SECONDS < deadline)) || { tail_log "$1"; die "admin serve did not answer within 60s"; }
    sleep 0.1
  done
}

# --- 1. intake into a spool nobody drains -------------------------------------------------------
if [[ $spool_mode == reuse ]]; then
  events=$(cat "$bench_dir/delivery-template.events") intake_rate=$(cat "$bench_dir/delivery-template.rate")
  say "intake: the kept spool ($events events; its run's intake: $intake_rate events/s)"
else
say "intake: wrk -t2 -c4 -d$duration, $per_request events of ~$mean_bytes B per request, sinks unreachable"
export ADMIN_MONGODB_URI="mongodb://127.0.0.1:$dead_port/?directConnection=true&serverSelectionTimeoutMS=500"
export ADMIN_ELASTICSEARCH_URL="http://127.0.0.1:$dead_port"
start_hub "$bench_dir/log/admin-delivery-intake.log"
export BENCH_BODY=$body BENCH_TOKEN=$token
wrk -t2 -c4 -d"$duration" --latency -s "$ROOT/scripts/bench-post.lua" "$url/api/v1/logs" >"$bench_dir/wrk-delivery.txt" 2>&1 \
  || { cat "$bench_dir/wrk-delivery.txt" >&2; die "wrk failed"; }
line=$(grep '^BENCH ' "$bench_dir/wrk-delivery.txt") || { cat "$bench_dir/wrk-delivery.txt" >&2; die "wrk printed no BENCH line"; }
declare -A r
for kv in ${line#BENCH }; do r[${kv%%=*}]=${kv#*=}; done
acknowledged=$(((r[requests] - r[non202]) * per_request))
intake_rate=$(awk -v n="$acknowledged" -v us="${r[duration_us]}" 'BEGIN {printf "%.0f", n / (us / 1e6)}')
# The spool also holds the requests wrk still had open when its time was up: count what is there.
sleep 1
events=$(curl -s "$url/readyz" | "$VENV/bin/python" -c "import json,sys; print(json.load(sys.stdin)['sinks']['mongodb']['lag_events'])") \
  || die "cannot read the spool's event count from /readyz"
stop_hub
say "intake: $acknowledged events acknowledged in ${duration}, $intake_rate events/s; $events in the spool"
echo "$events" >"$bench_dir/delivery-template.events"
echo "$intake_rate" >"$bench_dir/delivery-template.rate"
fi

# --- 2. drain each sink alone, max_in_flight 1 and N --------------------------------------------
declare -A rate cpu_hub cpu_null
drain() { # SINK IN_FLIGHT
  local sink=$1 n=$2 key
  rm -rf "$bench_dir/delivery-run" && cp -a "$bench_dir/delivery-template" "$bench_dir/delivery-run"
  export ADMIN_DATA_DIR=$bench_dir/delivery-run ADMIN_DELIVERY_MAX_IN_FLIGHT=$n
  unset ADMIN_MONGODB_URI ADMIN_ELASTICSEARCH_URL
  if [[ $sink == mongodb ]]; then
    export ADMIN_MONGODB_URI="mongodb://127.0.0.1:$mongo_port/?directConnection=true"; key=mongo_documents
  else
    export ADMIN_ELASTICSEARCH_URL="http://127.0.0.1:$es_port"; key=bulk_items
  fi
  local start
  start=$(curl -fs "$stats" | "$VENV/bin/python" -c "import json,sys; print(json.load(sys.stdin)['$key'])")
  say "drain: $sink, max_in_flight=$n, $events events"
  start_hub "$bench_dir/log/admin-delivery-$sink-$n.log"
  if [[ ${BENCH_PROFILE:-0} == 1 && $n == "$profiled" ]]; then
    perf record -e cpu-clock -F 999 -g -p "$HUB_PID" -o "$bench_dir/perf-$sink.data" >/dev/null 2>&1 &
    PERF_PID=$!
  fi
  local out hub_pid=$HUB_PID
  out=$("$VENV/bin/python" "$ROOT/scripts/lib/bench_delivery.py" drain "$stats" "$key" "$start" "$events" 600 "$HUB_PID,$NULL_PID")
  if [[ -n $PERF_PID ]]; then
    kill -INT "$PERF_PID" 2>/dev/null; wait "$PERF_PID" 2>/dev/null || true; PERF_PID=''
    { perf report -i "$bench_dir/perf-$sink.data" --no-children --sort dso -g none --stdio 2>/dev/null | grep '%' | head -n 8
      perf report -i "$bench_dir/perf-$sink.data" --no-children --sort symbol -g none --stdio 2>/dev/null | grep '%' | head -n 40
    } | swift demangle --simplified | cut -c1-160 >"$bench_dir/perf-$sink.txt" || true
  fi
  # Every event once: a null-store answer the sink could not use would show as resent events.
  local lag deadline=$((SECONDS + 15)) total
  until lag=$(curl -fs "$url/readyz" | "$VENV/bin/python" -c "import json,sys; print(json.load(sys.stdin)['sinks']['$sink']['lag_events'])") \
    && [[ $lag == 0 ]]; do
    ((SECONDS < deadline)) || { warn "$sink, max_in_flight=$n: the cursor did not reach the end (lag_events=$lag)"; break; }
    sleep 0.2
  done
  total=$(curl -fs "$stats" | "$VENV/bin/python" -c "import json,sys; print(json.load(sys.stdin)['$key'] - $start)")
  ((total == events)) || warn "$sink, max_in_flight=$n: the null store took $total events for $events (resent: the sink did not accept its answers)"
  stop_hub
  declare -A d=()
  for kv in ${out#DRAIN }; do d[${kv%%=*}]=${kv#*=}; done
  rate[$sink-$n]=${d[rate]:-timeout}
  cpu_hub[$sink-$n]=${d[cpu_$hub_pid]:-?}
  cpu_null[$sink-$n]=${d[cpu_$NULL_PID]:-?}
}
for sink in "${sinks[@]}"; do
  for n in "${in_flights[@]}"; do drain "$sink" "$n"; done
done

# --- 3. both at once: the intake while both sinks deliver into the null store -------------------
# What a hub on these 2 cores sustains end to end: wrk as in step 1, both sinks delivering as they
# read (max_in_flight = the last of BENCH_IN_FLIGHT), then the time until both have caught up.
together() {
  local n=${in_flights[${#in_flights[@]}-1]} es_start mongo_start es_end mongo_end lag deadline caught_up start_s
  rm -rf "$bench_dir/delivery-run" && mkdir -p "$bench_dir/delivery-run"
  export ADMIN_DATA_DIR=$bench_dir/delivery-run ADMIN_DELIVERY_MAX_IN_FLIGHT=$n
  export ADMIN_MONGODB_URI="mongodb://127.0.0.1:$mongo_port/?directConnection=true" ADMIN_ELASTICSEARCH_URL="http://127.0.0.1:$es_port"
  export BENCH_BODY=$body BENCH_TOKEN=$token
  say "together: wrk -t2 -c4 -d$duration while both sinks deliver (max_in_flight=$n)"
  start_hub "$bench_dir/log/admin-delivery-together.log"
  read -r es_start mongo_start < <(curl -fs "$stats" | "$VENV/bin/python" -c "import json,sys; d=json.load(sys.stdin); print(d['bulk_items'], d['mongo_documents'])")
  wrk -t2 -c4 -d"$duration" --latency -s "$ROOT/scripts/bench-post.lua" "$url/api/v1/logs" >"$bench_dir/wrk-delivery-together.txt" 2>&1 \
    || { cat "$bench_dir/wrk-delivery-together.txt" >&2; die "wrk failed"; }
  read -r es_end mongo_end < <(curl -fs "$stats" | "$VENV/bin/python" -c "import json,sys; d=json.load(sys.stdin); print(d['bulk_items'], d['mongo_documents'])")
  local line kv
  line=$(grep '^BENCH ' "$bench_dir/wrk-delivery-together.txt") || die "wrk printed no BENCH line"
  declare -A t=()
  for kv in ${line#BENCH }; do t[${kv%%=*}]=${kv#*=}; done
  local seconds acknowledged_together
  seconds=$(awk -v us="${t[duration_us]}" 'BEGIN {printf "%.3f", us / 1e6}')
  acknowledged_together=$(((t[requests] - t[non202]) * per_request))
  together_rate=$(awk -v n="$acknowledged_together" -v s="$seconds" 'BEGIN {printf "%.0f", n / s}')
  together_es=$(awk -v n="$((es_end - es_start))" -v s="$seconds" 'BEGIN {printf "%.0f", n / s}')
  together_mongo=$(awk -v n="$((mongo_end - mongo_start))" -v s="$seconds" 'BEGIN {printf "%.0f", n / s}')
  start_s=$SECONDS deadline=$((SECONDS + 300)) caught_up=''
  until lag=$(curl -fs "$url/readyz" | "$VENV/bin/python" -c "import json,sys; s=json.load(sys.stdin)['sinks']; print(s['elasticsearch']['lag_events'] + s['mongodb']['lag_events'])") \
    && [[ $lag == 0 ]]; do
    ((SECONDS < deadline)) || { warn "together: the sinks did not catch up within 300 s (lag_events=$lag)"; break; }
    sleep 0.5
  done
  [[ ${lag:-1} == 0 ]] && caught_up="$((SECONDS - start_s)) s"
  together_catch_up=${caught_up:-"over 300 s"}
  stop_hub
  unset ADMIN_MONGODB_URI ADMIN_ELASTICSEARCH_URL
}
together_rate='' together_es='' together_mongo='' together_catch_up=''
[[ ${#sinks[@]} == 2 && ${BENCH_DELIVERY_TOGETHER:-1} == 1 ]] && together

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a ~ /^[0-9]+$/) printf "%.2fx", a / b; else print "-" }'; }
{
  echo
  echo "DataMP Admin delivery ceiling, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), ${BIN#"$ROOT"/}"
  intake_label='same run'
  [[ $spool_mode == reuse ]] && intake_label='the kept spool'"'"'s run'
  echo "intake ($intake_label, sinks unreachable): $intake_rate events/s acknowledged; $events events (~$mean_bytes B) in the spool"
  echo "drain into the null store, each sink alone, from its first delivered event to the last:"
  printf '  %-14s %-13s %12s %10s %10s %10s\n' sink max_in_flight "events/s" "vs intake" "hub CPU" "null CPU"
  for sink in "${sinks[@]}"; do
    for n in "${in_flights[@]}"; do
      printf '  %-14s %-13s %12s %10s %9s%% %9s%%\n' "$sink" "$n" "${rate[$sink-$n]}" "$(ratio "${rate[$sink-$n]}" "$intake_rate")" \
        "${cpu_hub[$sink-$n]}" "${cpu_null[$sink-$n]}"
    done
  done
  echo "  (CPU in % of one core over the drain; the machine has $(nproc))"
  if [[ -n $together_rate ]]; then
    echo "together: intake while both sinks deliver into the null store (max_in_flight ${in_flights[${#in_flights[@]}-1]}, wrk -d$duration):"
    echo "  acknowledged $together_rate events/s; delivered meanwhile: elasticsearch $together_es/s, mongodb $together_mongo/s;" \
      "both caught up $together_catch_up after wrk ended"
  fi
} | tee "$bench_dir/delivery.txt"
