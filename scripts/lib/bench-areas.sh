# shellcheck shell=bash
# scripts/bench --with-areas: phase 1 again with search, alerting and operations on (issue 13: they
# must not slow the intake). Sourced by scripts/bench after phase 1 (uses its hub helpers and results).
# BENCH_AREAS_PERF=1 records a perf profile (cpu-clock) of the hub in the first row (BENCH_AREAS_PERF="search
# alone", or another row's name, that row), from the warm-up until alerting has caught up: flat
# profiles by library and by symbol in var/bench/perf-areas.txt.
# BENCH_AREAS_ROUNDS=N (1): N pairs of "off" then "all three on" (the first "off" is phase 1), alternating
# so that the machine's drift hits both alike; each row's ratios are to its own round's "off", and the
# block ends with the medians of the N pairs.
# BENCH_AREAS_ONLY=search,alerting (any of alerting, alerting_levelled, search, operations): only those areas,
# each alone, against phase 1 (no "all three on" rows). idle_loops is no area: two busy loops under
# SCHED_IDLE in the hub's session, started with it — what any work done beside a saturated intake costs
# it on this machine, however low its priority (the floor for the readers under spool.readers_idle).
# BENCH_READERS_NICE=N sets the hub's spool.readers_nice (ADMIN_SPOOL_READERS_NICE) in every row, 0 = the
# best-effort readers on the shared pool with the intake; BENCH_READERS_IDLE=true runs them under SCHED_IDLE
# (spool.readers_idle, ADMIN_SPOOL_READERS_IDLE); BENCH_ALERTING_MAX_LAG=BYTES sets alerting's lag
# bound (ADMIN_ALERTING_SPOOL_MAX_LAG_BYTES, 256 MiB by default); BENCH_ALERTING_SHED_BELOW=LEVEL|off what it
# sheds past half that bound (ADMIN_ALERTING_SHED_BELOW, error by default).
# BENCH_AREAS_EACH=1 also runs phase 1 with each area alone, to tell their costs apart, and alerting
# alone with every route and rule behind a level matcher (admin-levelled.yaml: the evaluator then skips
# info and debug events by a peek at their level, without parsing them).
#
# What is on, beyond phase 1's hub (sinks stay off, as in phase 1):
#   alerting    a configuration file (var/bench/areas/admin.yaml) with a Telegram and a Sentry receiver,
#               both pointing at a double that answers at once and counts (bench_peers.py fake-receivers),
#               four routes (errors → Sentry; core warnings, a search-language query on gate, errors →
#               Telegram) and two rules (a threshold on core errors, an absence heartbeat on
#               communication — no level matcher, so the evaluator parses and matches every event).
#   search      one live tail (curl, Server-Sent Events, q=level:>=error) open for the whole run: the
#               tail's spool reader parses and matches every event once someone listens. Searching
#               itself needs a store (both are off here), so no search requests are made.
#   operations  ADMIN_CORE_URL at a CORE double (bench_operations.py fake-core) and a manager posting a
#               1.00 RUB top-up every 2 s through the hub (bench_peers.py operator); the reconciler runs.
# With alerting on, the hub's CPU per event is counted until the alerting reader has caught up.
# Each measurement has its own copy of the prepared database (CREATE DATABASE … TEMPLATE), so alert
# groups, Sentry caps and threshold windows of one do not carry over into the next.

areas_dir=$bench_dir/areas
RECEIVERS_PID='' CORE_PID='' TAIL_PID='' OPERATOR_PID='' PERF_PID=''
# stop_pids VAR...: stops the processes whose PIDs the named variables hold, and clears them.
stop_pids() {
  local var
  for var in "$@"; do
    if [[ -n ${!var} ]]; then kill -TERM "${!var}" 2>/dev/null || true; wait "${!var}" 2>/dev/null || true; fi
    printf -v "$var" '%s' ''
  done
}
# stop_idle_loops: ends the idle_loops row's busy loops (their PIDs in $HUB_IDLE_LOOPS_FILE).
stop_idle_loops() {
  [[ -n ${HUB_IDLE_LOOPS_FILE:-} && -f $HUB_IDLE_LOOPS_FILE ]] || return 0
  local loop
  while read -r loop; do pid_matches "$loop" "while" && kill "$loop" 2>/dev/null; done <"$HUB_IDLE_LOOPS_FILE"
  unset HUB_IDLE_LOOPS_FILE
}

stop_areas() {
  stop_idle_loops
  if [[ -n $PERF_PID ]]; then kill -INT "$PERF_PID" 2>/dev/null || true; wait "$PERF_PID" 2>/dev/null || true; PERF_PID=''; fi
  stop_pids TAIL_PID OPERATOR_PID RECEIVERS_PID CORE_PID
}

areas_config() { # RECEIVERS_PORT [levelled]
  # One template: "levelled" puts a level matcher on every route and rule (the gate route's level moves
  # from its query into a matcher) and leaves out the absence rule, which cannot have one.
  local header='# scripts/bench --with-areas: written by the script, for this run only.'
  local gate="{query: 'service:gate AND level:>=warning AND NOT \"signed in\"', receiver: oncall}"
  local rules='    - {name: core-error-burst, type: threshold, matchers: ["service=core", "level>=error"], count: 500, window: 1m, receiver: oncall}'
  if [[ ${2:-} == levelled ]]; then
    header='# scripts/bench --with-areas (BENCH_AREAS_EACH=1): every route and rule has a level matcher.'
    gate="{matchers: [\"level>=warning\"], query: 'service:gate AND NOT \"signed in\"', receiver: oncall}"
  else
    rules+=$'\n    - {name: communication-heartbeat, type: absence, matchers: ["service=communication"], window: 10m, receiver: oncall, level: critical}'
  fi
  cat <<YAML
$header
alerting:
  telegram: {api_url: "http://127.0.0.1:$1"}
  receivers:
    - {name: oncall, type: telegram, bot_token_env: BENCH_TELEGRAM_TOKEN, chat_id: 4242}
    - {name: errors, type: sentry, dsn: "http://benchkey@127.0.0.1:$1/7"}
  route:
    routes:
      - {matchers: ["level>=error"], receiver: errors, continue: true}
      - {matchers: ["service=core", "level>=warning"], receiver: oncall}
      - $gate
      - {matchers: ["level>=error"], receiver: oncall, group_interval: 2m}
  rules:
$rules
YAML
}

# readyz_value PATH: a number from /readyz (e.g. alerts.spool.lag_bytes), '?' when absent.
readyz_value() {
  curl -fs --max-time 5 "$url/readyz" | "$VENV/bin/python" -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k, {}) if isinstance(v, dict) else {}
print(v if isinstance(v, int) else "?")' "$1" 2>/dev/null || echo '?'
}
# metric NAME{LABELS}: the value of one series on /metrics, 0 when absent.
metric() { curl -fs --max-time 5 "$url/metrics" | awk -v m="$1" '$1 == m {print $2; f = 1} END {if (!f) print 0}'; }
alert_groups() {
  curl -fs --max-time 10 -H "Authorization: Bearer $areas_token" "$url/api/v1/alerts?limit=1000" \
    | "$VENV/bin/python" -c 'import json, sys; print(len(json.load(sys.stdin)["alerts"]))' 2>/dev/null || echo '?'
}

# Run right after wrk (scripts/bench's intake_run hook): with alerting on, note its lag, then let it
# catch up (at most 120 s) so that the hub's CPU per event includes its work.
areas_alerting=false
after_wrk() {
  areas_lag_at_end='' areas_catch_up=''
  [[ $areas_alerting == true ]] || return 0
  areas_lag_at_end=$(readyz_value alerts.spool.lag_bytes)
  local started=$SECONDS deadline=$((SECONDS + 120))
  while [[ $(readyz_value alerts.spool.lag_bytes) != 0 ]] && ((SECONDS < deadline)); do sleep 0.2; done
  areas_catch_up="$((SECONDS - started)) s"
  [[ $(readyz_value alerts.spool.lag_bytes) == 0 ]] || areas_catch_up="not within 120 s"
}

# areas_prepare: a staff user with a personal token (live tail, operations), the doubles, the file.
areas_prepare() {
  rm -rf "$areas_dir" && mkdir -p "$areas_dir"
  ADMIN_USER_PASSWORD=quiet-harbor-lantern-57 ADMIN_AUTH_BCRYPT_COST=10 run_logged "$bench_dir/log/areas-user.log" \
    "$BIN" user create --email bench-areas@example.test --role admin || die "'admin user create' failed"
  areas_token=$("$BIN" user token create --email bench-areas@example.test 2>>"$bench_dir/log/admin-cli.log" | tail -n 1 | tr -d '[:space:]')
  [[ -n $areas_token ]] || die "'admin user token create' printed no token"
  receivers_port=$(pick_port 58590)
  "$VENV/bin/python" "$ROOT/scripts/lib/bench_peers.py" fake-receivers "$receivers_port" &
  RECEIVERS_PID=$!
  core_port=$(pick_port 58690)
  "$VENV/bin/python" "$ROOT/scripts/lib/bench_operations.py" fake-core "$core_port" 0 &
  CORE_PID=$!
  wait_for 20 port_in_use "$receivers_port" || die "the Telegram/Sentry double did not start"
  wait_for 20 port_in_use "$core_port" || die "the CORE double did not start"
  areas_config "$receivers_port" >"$areas_dir/admin.yaml"
  areas_config "$receivers_port" levelled >"$areas_dir/admin-levelled.yaml"
  export BENCH_TELEGRAM_TOKEN=1:bench
  areas_base_url=$ADMIN_DATABASE_URL
  command -v psql >/dev/null || die "psql is not installed (scripts/install-deps installs postgresql-client-15)"
}

# areas_database NAME: a fresh copy of the prepared database (nobody may be connected to it).
areas_database() {
  local db=$1 server=${areas_base_url%/*} template=${areas_base_url##*/}
  run_logged "$bench_dir/log/areas-database.log" psql -X -q -v ON_ERROR_STOP=1 "$server/postgres" \
    -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE $template" || die "could not copy the database"
  export ADMIN_DATABASE_URL=$server/$db
}

declare -A area_eps=() area_cpu=() area_latency=() area_errors=() area_rss=() area_notes=() area_base=()
areas_order=()

# areas_measure NAME PART...: phase 1 against a fresh hub with the PARTs (alerting, search,
# operations) on; the results go to the area_* arrays under NAME.
areas_measure() {
  local name=$1 part; shift
  local alerting=false alerting_levelled=false search=false operations=false idle_loops=false
  for part in "$@"; do printf -v "$part" true; done
  if [[ $idle_loops == true ]]; then export HUB_IDLE_LOOPS_FILE=$areas_dir/idle-loops.pids; fi
  unset ADMIN_CONFIG ADMIN_CORE_URL ADMIN_CORE_TOKEN ADMIN_OPERATIONS_RATE_LIMIT_PER_MINUTE
  if [[ -n ${BENCH_READERS_NICE:-} ]]; then export ADMIN_SPOOL_READERS_NICE=$BENCH_READERS_NICE; fi
  if [[ -n ${BENCH_READERS_IDLE:-} ]]; then export ADMIN_SPOOL_READERS_IDLE=$BENCH_READERS_IDLE; fi
  if [[ -n ${BENCH_ALERTING_MAX_LAG:-} ]]; then export ADMIN_ALERTING_SPOOL_MAX_LAG_BYTES=$BENCH_ALERTING_MAX_LAG; fi
  if [[ -n ${BENCH_ALERTING_SHED_BELOW:-} ]]; then export ADMIN_ALERTING_SHED_BELOW=$BENCH_ALERTING_SHED_BELOW; fi
  if [[ $alerting == true ]]; then export ADMIN_CONFIG=$areas_dir/admin.yaml; fi
  if [[ $alerting_levelled == true ]]; then alerting=true; export ADMIN_CONFIG=$areas_dir/admin-levelled.yaml; fi
  if [[ $operations == true ]]; then
    export ADMIN_CORE_URL="http://127.0.0.1:$core_port" ADMIN_CORE_TOKEN=bench-core-token
    # The manager's 30 top-ups a minute would meet the default limit of 30 per user and minute.
    export ADMIN_OPERATIONS_RATE_LIMIT_PER_MINUTE=1000
  fi
  run_logged "$bench_dir/log/areas-check-config.log" "$BIN" check-config || die "'admin check-config' refused the areas' configuration"
  # Nothing may leave the machine: the Bot API must be the double.
  if [[ $alerting == true ]] && ! grep -q "^alerting.telegram.api_url = http://127.0.0.1:$receivers_port " "$bench_dir/log/areas-check-config.log"; then
    die "alerting.telegram.api_url is not the double (see $bench_dir/log/areas-check-config.log)"
  fi
  areas_alerting=$alerting
  areas_database "datamp_areas_${#areas_order[@]}"

  say "phase 1 again with ${*:-nothing more} on (wrk -t$threads -c$connections -d$duration)"
  local slug=${name//[ ,:]/-}
  start_hub "$bench_dir/data-areas" "$bench_dir/log/admin-areas-${slug//--/-}.log"
  local groups_before='' notes=()
  if [[ $alerting == true ]]; then
    [[ $(readyz_value alerts.spool.lag_bytes) != '?' ]] || die "alerting is not on (no alerts.spool on /readyz)"
    groups_before=$(alert_groups)
    curl -fs --max-time 5 "http://127.0.0.1:$receivers_port/bench/counts?reset=1" >/dev/null || true
  fi
  if [[ $search == true ]]; then
    rm -f "$areas_dir/tail-headers.txt"
    curl -sN -H "Authorization: Bearer $areas_token" -D "$areas_dir/tail-headers.txt" -o "$areas_dir/tail.txt" \
      "$url/api/v1/logs/tail?q=level%3A%3E%3Derror" &
    TAIL_PID=$!
    wait_for 10 grep -q '^HTTP/1.1 200' "$areas_dir/tail-headers.txt" \
      || { cat "$areas_dir/tail-headers.txt" >&2 2>/dev/null; die "the live tail did not open"; }
  fi
  if [[ $operations == true ]]; then
    rm -f "$areas_dir/operator.txt"
    "$VENV/bin/python" "$ROOT/scripts/lib/bench_peers.py" operator "$url" "$areas_token" 2 "$areas_dir/operator.txt" &
    OPERATOR_PID=$!
  fi

  local profile=${BENCH_AREAS_PERF:-0}
  if [[ ($profile == 1 && ${#areas_order[@]} == 0) || $profile == "$name" ]]; then
    command -v perf >/dev/null || die "BENCH_AREAS_PERF=1 needs perf"
    perf record -e cpu-clock -F 999 -g -p "$HUB_PID" -o "$bench_dir/perf-areas.data" >/dev/null 2>&1 &
    PERF_PID=$!
  fi
  intake_run "areas-${slug//--/-}"
  if [[ -n $PERF_PID ]]; then
    kill -INT "$PERF_PID" 2>/dev/null || true; wait "$PERF_PID" 2>/dev/null || true; PERF_PID=''
    { perf report -i "$bench_dir/perf-areas.data" --no-children --sort dso -g none --stdio 2>/dev/null | grep '%' | head -n 8
      perf report -i "$bench_dir/perf-areas.data" --no-children --sort symbol -g none --stdio 2>/dev/null | grep '%' | head -n 60
    } | swift demangle --simplified | cut -c1-180 >"$bench_dir/perf-areas.txt" || true
    say "perf profile of the row '$name': ${bench_dir#"$ROOT"/}/perf-areas.txt"
  fi

  if [[ $operations == true ]]; then
    stop_pids OPERATOR_PID
    local operator_line
    operator_line=$(cat "$areas_dir/operator.txt" 2>/dev/null || echo 'OPERATOR (no result)')
    notes+=("operations: top-ups through the hub to the CORE double: ${operator_line#OPERATOR }")
  fi
  if [[ $alerting == true ]]; then
    local receivers groups_after
    receivers=$(curl -fs --max-time 5 "http://127.0.0.1:$receivers_port/bench/counts" || echo '?')
    groups_after=$(alert_groups)
    notes+=("alerting: requests to the doubles $receivers; alert groups $groups_before → $groups_after;"
      "  lag when wrk ended ${areas_lag_at_end} B, caught up ${areas_catch_up} later; bytes skipped (drop_oldest) $(metric 'admin_spool_dropped_bytes_total{sink="alerting"}'),"
      "events shed $(metric admin_alerting_shed_events_total)")
  fi
  if [[ $search == true ]]; then
    local skipped
    skipped=$(metric 'admin_spool_dropped_bytes_total{sink="search-tail"}')
    stop_pids TAIL_PID
    local tail_line
    tail_line=$("$VENV/bin/python" "$ROOT/scripts/lib/bench_peers.py" tail-count "$areas_dir/tail.txt")
    rm -f "$areas_dir/tail.txt"  # up to some 100 MB of events
    notes+=("search: live tail q=level:>=error received ${tail_line#TAIL }; tail reader bytes skipped $skipped")
  fi
  stop_hub
  stop_idle_loops
  rm -rf "$bench_dir/data-areas"
  unset ADMIN_CONFIG ADMIN_CORE_URL ADMIN_CORE_TOKEN ADMIN_OPERATIONS_RATE_LIMIT_PER_MINUTE
  export ADMIN_DATABASE_URL=$areas_base_url
  areas_order+=("$name")
  area_eps[$name]=$eps area_cpu[$name]=$cpu_us area_latency[$name]=$latency_short area_errors[$name]=$errors area_rss[$name]=$rss
  area_notes[$name]=$(printf '%s\n' "${notes[@]}")
}

# areas_run: the measurements, then the block side by side with phase 1 in var/bench/areas.txt.
# Not in a pipeline: cleanup must see the PIDs.
areas_run() {
  local rounds=${BENCH_AREAS_ROUNDS:-1} i off on_ratios=() cpu_ratios=()
  [[ $rounds =~ ^[1-9][0-9]*$ ]] || die "BENCH_AREAS_ROUNDS=$rounds is not a positive number"
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.3f", a / b; else print "?"}'; }
  areas_prepare
  area_eps[off]=$events_per_s area_cpu[off]=$intake_cpu_us area_latency[off]=$intake_latency_short
  area_errors[off]=$intake_errors area_rss[off]=$intake_rss
  local spec
  if [[ -n ${BENCH_AREAS_ONLY:-} ]]; then
    # Just the named rows, each against phase 1 (for A/B runs of one area's change).
    local only
    IFS=, read -ra only <<<"$BENCH_AREAS_ONLY"
    for spec in "${only[@]}"; do
      case $spec in
        alerting | alerting_levelled | search | operations | idle_loops) ;;
        *) die "BENCH_AREAS_ONLY: '$spec' is not one of alerting, alerting_levelled, search, operations, idle_loops" ;;
      esac
      areas_measure "$spec alone" "$spec"
      area_base["$spec alone"]=off
    done
    rounds=0
  fi
  for ((i = 1; i <= rounds; i++)); do
    off=off
    if ((i > 1)); then
      off="round $i: areas off"
      areas_measure "$off"
      area_base[$off]=$off
    fi
    local on="all three on"
    ((i > 1)) && on="round $i: all three on"
    areas_measure "$on" alerting search operations
    area_base[$on]=$off
    on_ratios+=("$(ratio "${area_eps[$on]}" "${area_eps[$off]}")")
    cpu_ratios+=("$(ratio "${area_cpu[$on]}" "${area_cpu[$off]}")")
  done
  if [[ ${BENCH_AREAS_EACH:-0} == 1 && -z ${BENCH_AREAS_ONLY:-} ]]; then
    for spec in "alerting alone:alerting" "alerting, levelled:alerting_levelled" "search alone:search" "operations alone:operations"; do
      areas_measure "${spec%%:*}" "${spec#*:}"
      area_base[${spec%%:*}]=off
    done
  fi
  stop_areas
  local row='  %-26s %10s %7s %12s %7s %16s %8s %8s\n' name base
  {
    echo "areas: phase 1 again with search, alerting and operations on (wrk -t$threads -c$connections -d$duration$pace_note; sinks off in every row)"
    # shellcheck disable=SC2059 # the format is the table's row
    printf "$row" "" "events/s" "on/off" "hub µs/event" "on/off" "p50 / p99 ms" "non-202" "RSS MiB"
    # shellcheck disable=SC2059
    printf "$row" "areas off (phase 1)" "$events_per_s" "1" "$intake_cpu_us" "1" "$intake_latency_short" "$intake_errors" "$intake_rss"
    for name in "${areas_order[@]}"; do
      base=${area_base[$name]:-}
      local r1=1 r2=1
      if [[ $base != "$name" ]]; then
        r1=$(ratio "${area_eps[$name]}" "${area_eps[$base]}") r2=$(ratio "${area_cpu[$name]}" "${area_cpu[$base]}")
      fi
      # shellcheck disable=SC2059
      printf "$row" "$name" "${area_eps[$name]}" "$r1" "${area_cpu[$name]}" "$r2" "${area_latency[$name]}" "${area_errors[$name]}" "${area_rss[$name]}"
    done
    if ((rounds > 1)); then
      printf '  %s\n' "all three on / off, median of $rounds pairs: events/s $(median "${on_ratios[@]}"), hub CPU per event $(median "${cpu_ratios[@]}")"
    fi
    echo "  what was on (var/bench/areas/admin.yaml, \"levelled\": admin-levelled.yaml; the hub's CPU is counted until alerting has caught up):"
    for name in "${areas_order[@]}"; do
      [[ -n ${area_notes[$name]} ]] || continue
      echo "  $name:"
      sed 's/^/    /' <<<"${area_notes[$name]}"
    done
  } >"$bench_dir/areas.txt"
}
