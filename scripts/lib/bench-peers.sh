# shellcheck shell=bash
# scripts/bench --peers: rsyslog with the same workload as phase 1, in the same run (issue 13).
# Sourced by scripts/bench after phase 1 (uses its body, duration, connections, eps and helpers).
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

# peers_run: measures, then writes the "peers" block to var/bench/peers.txt; sets peers_rc (not 0 when
# rsyslog lost, added or did not parse a line). Not in a pipeline: cleanup must see RSYSLOG_PID.
peers_run() {
  local seconds port version
  seconds=$(to_seconds "$duration")
  [[ $seconds =~ ^[0-9]+$ ]] || die "BENCH_DURATION=$duration: --peers needs whole seconds, minutes or hours"
  version=$(rsyslogd -v | awk 'NR == 1 {print $2}')
  rm -rf "$peers_dir" && mkdir -p "$peers_dir/work"

  say "peers: the sender's own ceiling (into a discard server, ${connections} connections, 3 s)"
  local sender_line
  sender_line=$("$VENV/bin/python" "$ROOT/scripts/lib/bench_peers.py" sender-check "$body" 3 "$connections") \
    || die "the sender check failed: $sender_line"
  local -A s=()
  for kv in ${sender_line#SENDER }; do s[${kv%%=*}]=${kv#*=}; done

  port=$(pick_port 58514)
  rsyslog_config "$port" >"$peers_dir/rsyslog.conf"
  rsyslogd -N1 -f "$peers_dir/rsyslog.conf" >"$peers_dir/rsyslog-check.log" 2>&1 \
    || { tail_log "$peers_dir/rsyslog-check.log"; die "rsyslogd refused its configuration"; }
  say "peers: rsyslog $version (imtcp :$port → mmjsonparse → omfile), ${connections} connections, ${seconds}s"
  (exec rsyslogd -n -f "$peers_dir/rsyslog.conf" -i "$peers_dir/rsyslogd.pid" </dev/null >"$peers_dir/rsyslogd.log" 2>&1) &
  RSYSLOG_PID=$!
  wait_for 20 port_in_use "$port" || { tail_log "$peers_dir/rsyslogd.log"; die "rsyslogd did not listen on $port within 20s"; }

  local line rc=0
  line=$("$VENV/bin/python" "$ROOT/scripts/lib/bench_peers.py" rsyslog "$port" "$body" "$seconds" "$connections" \
    "$peers_dir/out.json" 120 2>"$peers_dir/check.txt") || rc=$?
  # A line of what rsyslog wrote, for the record, before the output file goes.
  head -n 1 "$peers_dir/out.json" >"$peers_dir/out-sample.json" 2>/dev/null || true
  stop_peers
  local -A p=()
  for kv in ${line#PEER }; do p[${kv%%=*}]=${kv#*=}; done
  peers_rsyslog_eps=${p[events_per_s]:-0}
  peers_rc=$rc
  {
    echo "peers: the same body ($per_request events of ~$mean_bytes B, NDJSON), $connections connections, ${seconds}s, right after phase 1"
    printf '  %-48s %s\n' "hub: acknowledged events/s (phase 1 above)" "$events_per_s"
    printf '  %-48s %s\n' "rsyslog $version: events/s written" "$peers_rsyslog_eps"
    printf '  %-48s %s\n' "ratio hub / rsyslog" \
      "$(awk -v a="$events_per_s" -v b="$peers_rsyslog_eps" 'BEGIN {if (b > 0) printf "%.2f×", a / b; else print "?"}')"
    printf '  %-48s %s\n' "rsyslog: events sent / lines written / parsed" "${p[events_sent]:-?} / ${p[lines_written]:-?} / ${p[lines_parsed]:-?} (1,000 sampled lines equal to events sent: $((1000 - ${p[sample_mismatches]:-1000})))"
    printf '  %-48s %s\n' "rsyslog: sending took / drained after" "${p[send_seconds]:-?} s / ${p[drain_seconds]:-?} s (rate over ${p[seconds]:-?} s)"
    printf '  %-48s %s\n' "sender's own ceiling (discard server)" "${s[events_per_s]:-?} events/s (${s[mib_per_s]:-?} MiB/s)"
    echo "  rsyslog: imtcp → mmjsonparse → omfile, \`\$!all-json\` per line, default queues, no fsync and no answer;"
    echo "  the hub fsyncs before every 202 answer. rsyslog runs as a child of the script (var/bench/peers/rsyslog.conf)."
    if ((rc != 0)); then
      echo "  FAILED: $(tr '\n' ' ' <"$peers_dir/check.txt")"
    fi
  } >"$bench_dir/peers.txt"
}
