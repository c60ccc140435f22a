# shellcheck shell=bash
# scripts/bench --peers: rsyslog with the same workload as phase 1, in the same run (issue 13).
# Sourced by scripts/bench after phase 1 (uses its body, duration, connections, eps and helpers).
# BENCH_PEERS_ROUNDS=N (1): N rounds of hub then rsyslog, alternating so that the machine's drift
# hits both alike; each round's ratio and their median.
#
# rsyslogd (Debian's 8.2302) runs in the foreground as a child of this script with its own config,
# pid file and work directory under var/bench/peers: imtcp on a free loopback port → mmjsonparse
# (cookie "", the raw line: plain JSON lines parse) → omfile writing `$!all-json` per line, no fsync.
# The sender (scripts/lib/bench_peers.py) sends the phase-1 body whole, again and again, on
# BENCH_CONNECTIONS sockets for BENCH_DURATION; rsyslog answers nothing, so its rate is the lines
# written over the time from the first byte sent to the last line written. The run fails when a line
# is missing, extra or not parsed. The sender's own ceiling, into a discard server, is printed too.

peers_dir=$bench_dir/peers
RSYSLOG_PID=''
stop_peers() {
  if [[ -n $RSYSLOG_PID ]] && pid_matches "$RSYSLOG_PID" rsyslogd; then stop_pid "$RSYSLOG_PID" rsyslogd 15; fi
  RSYSLOG_PID=''
  rm -f "$peers_dir/out.json"
}

# to_seconds DURATION: wrk's duration (20, 20s, 2m, 1h) in seconds.
to_seconds() {
  case $1 in
    *s) echo "${1%s}" ;;
    *m) echo $((${1%m} * 60)) ;;
    *h) echo $((${1%h} * 3600)) ;;
    *) echo "$1" ;;
  esac
}

# rsyslog_config PORT: the whole configuration; nothing of the system's /etc/rsyslog.conf.
rsyslog_config() {
  cat <<CONF
# scripts/bench --peers: written by the script, for this run only.
global(workDirectory="$peers_dir/work" maxMessageSize="8k")
module(load="imtcp" MaxSessions="64")
module(load="mmjsonparse")
template(name="bench_json" type="string" string="%\$!all-json%\n")
ruleset(name="bench") {
  action(type="mmjsonparse" cookie="" useRawMsg="on")
  action(type="omfile" file="$peers_dir/out.json" template="bench_json")
}
input(type="imtcp" address="127.0.0.1" port="$1" ruleset="bench")
CONF
}

# rsyslog_once ROUND: a fresh rsyslogd, the sender for the run's duration, the output checked, rsyslogd
# stopped; sets rs_eps and the PEER fields in the global array p, adds a failure to peers_failures.
declare -A p=()
peers_failures=()
rsyslog_once() {
  local round=$1 port line rc=0
  rm -rf "$peers_dir/work" && mkdir -p "$peers_dir/work"
  port=$(pick_port 58514)
  rsyslog_config "$port" >"$peers_dir/rsyslog.conf"
  rsyslogd -N1 -f "$peers_dir/rsyslog.conf" >"$peers_dir/rsyslog-check.log" 2>&1 \
    || { tail_log "$peers_dir/rsyslog-check.log"; die "rsyslogd refused its configuration"; }
  say "peers, round $round: rsyslog $rsyslog_version (imtcp :$port → mmjsonparse → omfile), ${connections} connections, ${peers_seconds}s"
  (exec rsyslogd -n -f "$peers_dir/rsyslog.conf" -i "$peers_dir/rsyslogd.pid" </dev/null >"$peers_dir/rsyslogd.log" 2>&1) &
  RSYSLOG_PID=$!
  wait_for 20 port_in_use "$port" || { tail_log "$peers_dir/rsyslogd.log"; die "rsyslogd did not listen on $port within 20s"; }
  line=$("$VENV/bin/python" "$ROOT/scripts/lib/bench_peers.py" rsyslog "$port" "$body" "$peers_seconds" "$connections" \
    "$peers_dir/out.json" 120 2>"$peers_dir/check.txt") || rc=$?
  # A line of what rsyslog wrote, for the record, before the output file goes.
  head -n 1 "$peers_dir/out.json" >"$peers_dir/out-sample.json" 2>/dev/null || true
  stop_peers
  p=()
  for kv in ${line#PEER }; do p[${kv%%=*}]=${kv#*=}; done
  rs_eps=${p[events_per_s]:-0}
  if ((rc != 0)); then peers_failures+=("round $round: $(tr '\n' ' ' <"$peers_dir/check.txt")"); fi
}

# peers_run: BENCH_PEERS_ROUNDS (1) rounds of hub then rsyslog (the first round's hub is phase 1), then
# writes the "peers" block to var/bench/peers.txt; peers_rc is 1 when rsyslog lost, added or did not
# parse a line in any round. Not in a pipeline: cleanup must see RSYSLOG_PID.
peers_run() {
  local rounds=${BENCH_PEERS_ROUNDS:-1} i hub ratios=() rows=()
  [[ $rounds =~ ^[1-9][0-9]*$ ]] || die "BENCH_PEERS_ROUNDS=$rounds is not a positive number"
  peers_seconds=$(to_seconds "$duration")
  [[ $peers_seconds =~ ^[0-9]+$ ]] || die "BENCH_DURATION=$duration: --peers needs whole seconds, minutes or hours"
  rsyslog_version=$(rsyslogd -v | awk 'NR == 1 {print $2}')
  rm -rf "$peers_dir" && mkdir -p "$peers_dir"

  say "peers: the sender's own ceiling (into a discard server, ${connections} connections, 3 s)"
  local sender_line
  sender_line=$("$VENV/bin/python" "$ROOT/scripts/lib/bench_peers.py" sender-check "$body" 3 "$connections") \
    || die "the sender check failed: $sender_line"
  local -A s=()
  for kv in ${sender_line#SENDER }; do s[${kv%%=*}]=${kv#*=}; done

  for ((i = 1; i <= rounds; i++)); do
    if ((i == 1)); then
      hub=$events_per_s
    else
      say "peers, round $i: the hub (phase 1 again)"
      start_hub "$bench_dir/data-intake" "$bench_dir/log/admin-peers-$i.log"
      intake_run "peers-hub-$i"
      stop_hub
      rm -rf "$bench_dir/data-intake"
      hub=$eps
    fi
    rsyslog_once "$i"
    ratios+=("$(awk -v a="$hub" -v b="$rs_eps" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print 0}')")
    rows+=("$(printf '  %-48s %s\n' "round $i: hub / rsyslog events/s, ratio" "$hub / $rs_eps = ${ratios[-1]}×")")
    rows+=("$(printf '  %-48s %s\n' "  rsyslog: events sent / lines written / parsed" "${p[events_sent]:-?} / ${p[lines_written]:-?} / ${p[lines_parsed]:-?} (1,000 sampled lines equal to events sent: $((1000 - ${p[sample_mismatches]:-1000})))")")
    rows+=("$(printf '  %-48s %s\n' "  rsyslog: sending took / drained after" "${p[send_seconds]:-?} s / ${p[drain_seconds]:-?} s (rate over ${p[seconds]:-?} s)")")
  done
  local median
  median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2}')
  peers_rc=0
  ((${#peers_failures[@]} == 0)) || peers_rc=1
  {
    echo "peers: the same body ($per_request events of ~$mean_bytes B, NDJSON), $connections connections, ${peers_seconds}s; round 1's hub is phase 1"
    printf '%s\n' "${rows[@]}"
    printf '  %-48s %s\n' "ratio hub / rsyslog $rsyslog_version" "${median}×$( ((rounds > 1)) && echo " (median of $rounds rounds)")"
    printf '  %-48s %s\n' "sender's own ceiling (discard server)" "${s[events_per_s]:-?} events/s (${s[mib_per_s]:-?} MiB/s)"
    echo "  rsyslog: imtcp → mmjsonparse → omfile, \`\$!all-json\` per line, default queues, no fsync and no answer;"
    echo "  the hub fsyncs before every 202 answer. rsyslog runs as a child of the script (var/bench/peers/rsyslog.conf)."
    local f
    for f in "${peers_failures[@]}"; do echo "  FAILED: $f"; done
  } >"$bench_dir/peers.txt"
}
