# shellcheck shell=bash
# scripts/bench --with-areas: phase 1 again with search, alerting and operations on (issue 13: they
# must not slow the intake). Sourced by scripts/bench after phase 1 (uses its hub helpers and results).
#
# What is on, beyond phase 1's hub (sinks still off, as in phase 1):
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
# The hub's CPU per event is counted until the alerting reader has caught up with the intake.

areas_dir=$bench_dir/areas
RECEIVERS_PID='' CORE_PID='' TAIL_PID='' OPERATOR_PID=''
stop_areas() {
  local pid
  for pid in "$TAIL_PID" "$OPERATOR_PID" "$RECEIVERS_PID" "$CORE_PID"; do
    if [[ -n $pid ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  TAIL_PID='' OPERATOR_PID='' RECEIVERS_PID='' CORE_PID=''
}

areas_config() { # RECEIVERS_PORT
  cat <<YAML
# scripts/bench --with-areas: written by the script, for this run only.
alerting:
  receivers:
    - {name: oncall, type: telegram, bot_token_env: BENCH_TELEGRAM_TOKEN, chat_id: 4242}
    - {name: errors, type: sentry, dsn: "http://benchkey@127.0.0.1:$1/7"}
  route:
    routes:
      - {matchers: ["level>=error"], receiver: errors, continue: true}
      - {matchers: ["service=core", "level>=warning"], receiver: oncall}
      - {query: 'service:gate AND level:>=warning AND NOT "signed in"', receiver: oncall}
      - {matchers: ["level>=error"], receiver: oncall, group_interval: 2m}
  rules:
    - {name: core-error-burst, type: threshold, matchers: ["service=core", "level>=error"], count: 500, window: 1m, receiver: oncall}
    - {name: communication-heartbeat, type: absence, matchers: ["service=communication"], window: 10m, receiver: oncall, level: critical}
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

# Run right after wrk (scripts/bench's intake_run hook): note the alerting lag, then let the alerting
# reader catch up (at most 120 s) so the hub's CPU per event includes its work.
after_wrk() {
  areas_lag_at_end=$(readyz_value alerts.spool.lag_bytes)
  local started=$SECONDS deadline=$((SECONDS + 120))
  while [[ $(readyz_value alerts.spool.lag_bytes) != 0 ]] && ((SECONDS < deadline)); do sleep 0.2; done
  areas_catch_up=$((SECONDS - started))
  [[ $(readyz_value alerts.spool.lag_bytes) == 0 ]] || areas_catch_up="more than 120"
}

# areas_run: the measurement, then the block side by side with phase 1 in var/bench/areas.txt.
# Not in a pipeline: cleanup must see the PIDs.
areas_run() {
  rm -rf "$areas_dir" && mkdir -p "$areas_dir"
  local receivers_port core_port ptoken
  ADMIN_USER_PASSWORD=quiet-harbor-lantern-57 ADMIN_AUTH_BCRYPT_COST=10 run_logged "$bench_dir/log/areas-user.log" \
    "$BIN" user create --email bench-areas@example.test --role admin || die "'admin user create' failed"
  ptoken=$("$BIN" user token create --email bench-areas@example.test 2>>"$bench_dir/log/admin-cli.log" | tail -n 1 | tr -d '[:space:]')
  [[ -n $ptoken ]] || die "'admin user token create' printed no token"

  receivers_port=$(pick_port 58590)
  "$VENV/bin/python" "$ROOT/scripts/lib/bench_peers.py" fake-receivers "$receivers_port" &
  RECEIVERS_PID=$!
  core_port=$(pick_port 58690)
  "$VENV/bin/python" "$ROOT/scripts/lib/bench_operations.py" fake-core "$core_port" 0 &
  CORE_PID=$!
  wait_for 20 port_in_use "$receivers_port" || die "the Telegram/Sentry double did not start"
  wait_for 20 port_in_use "$core_port" || die "the CORE double did not start"

  areas_config "$receivers_port" >"$areas_dir/admin.yaml"
  export ADMIN_CONFIG=$areas_dir/admin.yaml BENCH_TELEGRAM_TOKEN=1:bench
  export ADMIN_CORE_URL="http://127.0.0.1:$core_port" ADMIN_CORE_TOKEN=bench-core-token
  # The manager's trickle (30 a minute) stays under the default 30 per user and minute only just: no 429s.
  export ADMIN_OPERATIONS_RATE_LIMIT_PER_MINUTE=1000
  run_logged "$bench_dir/log/areas-check-config.log" "$BIN" check-config || die "'admin check-config' refused the areas' configuration"

  say "phase 1 again with search, alerting and operations on (wrk -t$threads -c$connections -d$duration)"
  start_hub "$bench_dir/data-areas" "$bench_dir/log/admin-areas.log"
  [[ $(readyz_value alerts.spool.lag_bytes) != '?' ]] || die "alerting is not on (no alerts.spool on /readyz)"

  curl -sN -H "Authorization: Bearer $ptoken" -D "$areas_dir/tail-headers.txt" -o "$areas_dir/tail.txt" \
    "$url/api/v1/logs/tail?q=level%3A%3E%3Derror" &
  TAIL_PID=$!
  wait_for 10 grep -q '^HTTP/1.1 200' "$areas_dir/tail-headers.txt" \
    || { cat "$areas_dir/tail-headers.txt" >&2 2>/dev/null; die "the live tail did not open"; }
  "$VENV/bin/python" "$ROOT/scripts/lib/bench_peers.py" operator "$url" "$ptoken" 2 "$areas_dir/operator.txt" &
  OPERATOR_PID=$!

  intake_run areas
  kill -TERM "$OPERATOR_PID" 2>/dev/null || true; wait "$OPERATOR_PID" 2>/dev/null || true; OPERATOR_PID=''
  local receivers dropped_alerting dropped_tail groups
  receivers=$(curl -fs --max-time 5 "http://127.0.0.1:$receivers_port/bench/counts" || echo '{}')
  dropped_alerting=$(metric 'admin_spool_dropped_bytes_total{sink="alerting"}')
  dropped_tail=$(metric 'admin_spool_dropped_bytes_total{sink="search-tail"}')
  groups=$(curl -fs --max-time 10 -H "Authorization: Bearer $ptoken" "$url/api/v1/alerts?limit=1000" \
    | "$VENV/bin/python" -c 'import json, sys; print(len(json.load(sys.stdin)["alerts"]))' 2>/dev/null || echo '?')
  kill -TERM "$TAIL_PID" 2>/dev/null || true; wait "$TAIL_PID" 2>/dev/null || true; TAIL_PID=''
  stop_hub
  stop_areas
  rm -rf "$bench_dir/data-areas"
  unset ADMIN_CONFIG ADMIN_CORE_URL ADMIN_CORE_TOKEN ADMIN_OPERATIONS_RATE_LIMIT_PER_MINUTE
  local tail_line operator_line
  tail_line=$("$VENV/bin/python" "$ROOT/scripts/lib/bench_peers.py" tail-count "$areas_dir/tail.txt")
  operator_line=$(cat "$areas_dir/operator.txt" 2>/dev/null || echo 'OPERATOR (no result)')
  rm -f "$areas_dir/tail.txt"  # up to some 100 MB of events

  ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.3f", a / b; else print "?"}'; }
  {
    echo "areas: phase 1 again with search, alerting and operations on (wrk -t$threads -c$connections -d$duration, sinks off in both)"
    printf '  %-36s %-34s %-34s %s\n' "" "areas off (phase 1)" "areas on" "on/off"
    printf '  %-36s %-34s %-34s %s\n' "acknowledged events/s (202 only)" "$events_per_s" "$eps" "$(ratio "$eps" "$events_per_s")"
    printf '  %-36s %-34s %-34s %s\n' "hub CPU per event (µs)" "$intake_cpu_us" "$cpu_us" "$(ratio "$cpu_us" "$intake_cpu_us")"
    printf '  %-36s %-34s %s\n' "latency p50 / p99 / max" "$intake_latency" "$latency"
    printf '  %-36s %-34s %s\n' "answers other than 202" "$intake_errors" "$errors"
    printf '  %-36s %-34s %s\n' "hub peak RSS (VmHWM), MiB" "$intake_rss" "$rss"
    echo "  what was on (var/bench/areas/admin.yaml):"
    echo "    alerting: Telegram + Sentry receivers (a double answering at once), 4 routes, a threshold and an absence rule;"
    echo "      requests received $receivers; alert groups $groups; lag when wrk ended $areas_lag_at_end B,"
    echo "      caught up ${areas_catch_up} s later; bytes skipped (drop_oldest) $dropped_alerting"
    echo "    search: one live tail (SSE, q=level:>=error) open throughout: ${tail_line#TAIL }; tail reader bytes skipped $dropped_tail"
    echo "    operations: CORE double at ADMIN_CORE_URL, a top-up every 2 s through the hub: ${operator_line#OPERATOR }"
  } >"$bench_dir/areas.txt"
}
