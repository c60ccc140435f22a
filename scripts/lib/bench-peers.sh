# shellcheck shell=bash
# scripts/bench --peers: rsyslog (and, with BENCH_SYSLOG_NG=1, syslog-ng) with the same workload as
# phase 1, in the same run (issue 13). Sourced by scripts/bench after phase 1 (uses its body,
# duration, connections, eps and helpers).
# BENCH_PEERS_ROUNDS=N (1): N rounds of hub then the peers, alternating so that the machine's drift
# hits all alike; each round's ratios and their medians.
#
# rsyslogd (Debian's 8.2302) runs in the foreground as a child of this script, unprivileged (as
# nobody when the script runs as root), with its own config, pid file and work directory under
# var/bench/peers: imtcp on a free loopback port → mmjsonparse
# (cookie "", the raw line: plain JSON lines parse) → omfile writing `$!all-json` per line, no fsync.
# syslog-ng 3.38 (Debian's syslog-ng-core, which conflicts with rsyslog and so is not installed:
# `apt-get download` once into var/tools/syslog-ng and run from there) the same way: network() TCP
# source with flags(no-parse) → json-parser → file() with format-json, flow control on (without it
# syslog-ng drops what its queue cannot hold), no fsync.
# The sender (scripts/lib/bench_peers.py) sends the phase-1 body whole, again and again, on
# BENCH_CONNECTIONS sockets for BENCH_DURATION; the peers answer nothing, so a peer's rate is the
# lines written over the time from the first byte sent to the last line written. The run fails when
# a line is missing, extra or not parsed. The sender's own ceiling, into a discard server, is printed too.

peers_dir=$bench_dir/peers
syslog_ng_dir=$VAR/tools/syslog-ng
PEER_PID='' PEER_NAME=''
stop_peers() {
  if [[ -n $PEER_PID ]] && pid_matches "$PEER_PID" "$PEER_NAME"; then stop_pid "$PEER_PID" "$PEER_NAME" 15; fi
  PEER_PID='' PEER_NAME=''
  rm -f "$peers_dir/work/out.json"
}

# as_peer_user CMD...: execs CMD unprivileged: as nobody when this script is root (the peer's work
# directory is then given to nobody), else as the caller.
as_peer_user() {
  if ((EUID == 0)); then exec setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; fi
  exec "$@"
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
  action(type="omfile" file="$peers_dir/work/out.json" template="bench_json")
}
input(type="imtcp" address="127.0.0.1" port="$1" ruleset="bench")
CONF
}

syslog_ng_config() { # PORT
  cat <<CONF
@version: 3.38
# scripts/bench --peers (BENCH_SYSLOG_NG=1): written by the script, for this run only.
options { stats_freq(0); };
source s_bench { network(ip("127.0.0.1") port($1) transport("tcp") flags(no-parse) max-connections(64) log-iw-size(64000)); };
parser p_json { json-parser(prefix(".json.")); };
destination d_out { file("$peers_dir/work/out.json" template("\$(format-json --key .json.* --rekey .json.* --shift 6)\n")); };
log { source(s_bench); parser(p_json); destination(d_out); flags(flow-control); };
CONF
}

# syslog_ng_fetch: syslog-ng-core 3.38 and the libraries it needs that the system may lack, unpacked
# (not installed) under var/tools/syslog-ng; once.
syslog_ng_fetch() {
  if [[ -x $syslog_ng_dir/root/usr/sbin/syslog-ng ]]; then return 0; fi
  say "peers: fetching syslog-ng-core (apt-get download; unpacked into ${syslog_ng_dir#"$ROOT"/}, not installed)"
  rm -rf "$syslog_ng_dir" && mkdir -p "$syslog_ng_dir/debs"
  (cd "$syslog_ng_dir/debs" && run_logged "$syslog_ng_dir/download.log" \
    apt-get download syslog-ng-core libivykis0 libnet1 libwrap0 libpcre3) || die "could not download syslog-ng-core"
  local deb
  for deb in "$syslog_ng_dir"/debs/*.deb; do dpkg-deb -x "$deb" "$syslog_ng_dir/root" || die "could not unpack $deb"; done
}
# syslog_ng [as_peer_user] ARG...: runs (execs: call it in a subshell) the unpacked syslog-ng with its
# libraries, unprivileged when the first word is as_peer_user.
syslog_ng() {
  local root=$syslog_ng_dir/root run=exec
  if [[ $1 == as_peer_user ]]; then run=as_peer_user; shift; fi
  export LD_LIBRARY_PATH=$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu:$root/usr/lib/syslog-ng
  "$run" "$root/usr/sbin/syslog-ng" --module-path="$root/usr/lib/syslog-ng/3.38" "$@"
}

# peer_once KIND ROUND: a fresh peer (rsyslog or syslog-ng), the sender for the run's duration, the
# output checked, the peer stopped; sets peer_eps and the PEER fields in the global array p, and adds
# a failure to peers_failures.
declare -A p=()
peers_failures=()
peer_once() {
  local kind=$1 round=$2 port line rc=0
  rm -rf "$peers_dir/work" && mkdir -p "$peers_dir/work"
  if ((EUID == 0)); then chown nobody:nogroup "$peers_dir/work"; fi
  port=$(pick_port 58514)
  if [[ $kind == rsyslog ]]; then
    rsyslog_config "$port" >"$peers_dir/rsyslog.conf"
    rsyslogd -N1 -f "$peers_dir/rsyslog.conf" >"$peers_dir/rsyslog-check.log" 2>&1 \
      || { tail_log "$peers_dir/rsyslog-check.log"; die "rsyslogd refused its configuration"; }
    say "peers, round $round: rsyslog $rsyslog_version (imtcp :$port → mmjsonparse → omfile), ${connections} connections, ${peers_seconds}s"
    (as_peer_user rsyslogd -n -f "$peers_dir/rsyslog.conf" -i "$peers_dir/work/rsyslogd.pid" </dev/null >"$peers_dir/rsyslogd.log" 2>&1) &
    PEER_PID=$! PEER_NAME=rsyslogd
  else
    syslog_ng_config "$port" >"$peers_dir/syslog-ng.conf"
    say "peers, round $round: syslog-ng $syslog_ng_version (network :$port → json-parser → file), ${connections} connections, ${peers_seconds}s"
    (syslog_ng as_peer_user -F --no-caps -f "$peers_dir/syslog-ng.conf" -p "$peers_dir/work/syslog-ng.pid" \
      -R "$peers_dir/work/syslog-ng.persist" -c "$peers_dir/work/syslog-ng.ctl" </dev/null >"$peers_dir/syslog-ng.log" 2>&1) &
    PEER_PID=$! PEER_NAME=syslog-ng
  fi
  wait_for 20 port_in_use "$port" || { tail_log "$peers_dir/$PEER_NAME.log"; die "$PEER_NAME did not listen on $port within 20s"; }
  line=$("$VENV/bin/python" "$ROOT/scripts/lib/bench_peers.py" peer "$kind" "$port" "$body" "$peers_seconds" "$connections" \
    "$peers_dir/work/out.json" 120 2>"$peers_dir/check.txt") || rc=$?
  # A line of what the peer wrote, for the record, before the output file goes.
  head -n 1 "$peers_dir/work/out.json" >"$peers_dir/out-sample-$kind.json" 2>/dev/null || true
  stop_peers
  p=()
  for kv in ${line#PEER }; do p[${kv%%=*}]=${kv#*=}; done
  peer_eps=${p[events_per_s]:-0}
  if ((rc != 0)); then peers_failures+=("round $round, $kind: $(tr '\n' ' ' <"$peers_dir/check.txt")"); fi
}

# peers_run: BENCH_PEERS_ROUNDS (1) rounds of hub then the peers (round 1's hub is phase 1), then
# writes the "peers" block to var/bench/peers.txt; peers_rc is 1 when a peer lost, added or did not
# parse a line in any round. Not in a pipeline: cleanup must see PEER_PID.
peers_run() {
  local rounds=${BENCH_PEERS_ROUNDS:-1} i hub kind kinds=(rsyslog) rows=()
  local -A ratios=()
  [[ $rounds =~ ^[1-9][0-9]*$ ]] || die "BENCH_PEERS_ROUNDS=$rounds is not a positive number"
  peers_seconds=$(to_seconds "$duration")
  [[ $peers_seconds =~ ^[0-9]+$ ]] || die "BENCH_DURATION=$duration: --peers needs whole seconds, minutes or hours"
  rsyslog_version=$(rsyslogd -v | awk 'NR == 1 {print $2}')
  if [[ ${BENCH_SYSLOG_NG:-0} == 1 ]]; then
    syslog_ng_fetch
    syslog_ng_version=$( (syslog_ng --version) 2>/dev/null | awk -F'[()]' 'NR == 1 {print $2}')
    [[ $syslog_ng_version == 3.38* ]] || die "the unpacked syslog-ng is '$syslog_ng_version', not 3.38"
    kinds+=(syslog-ng)
  fi
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
    rows+=("$(printf '  %-48s %s' "round $i: hub, acknowledged events/s" "$hub")")
    for kind in "${kinds[@]}"; do
      peer_once "$kind" "$i"
      local ratio
      ratio=$(awk -v a="$hub" -v b="$peer_eps" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print 0}')
      ratios[$kind]+="$ratio "
      rows+=("$(printf '  %-48s %s' "  $kind: events/s written, hub / $kind" "$peer_eps, ${ratio}×")")
      rows+=("$(printf '  %-48s %s' "    events sent / lines written / parsed" "${p[events_sent]:-?} / ${p[lines_written]:-?} / ${p[lines_parsed]:-?} (1,000 sampled lines equal to events sent: $((1000 - ${p[sample_mismatches]:-1000})))")")
      rows+=("$(printf '  %-48s %s' "    sending took / drained after" "${p[send_seconds]:-?} s / ${p[drain_seconds]:-?} s (rate over ${p[seconds]:-?} s)")")
    done
  done
  peers_rc=0
  ((${#peers_failures[@]} == 0)) || peers_rc=1
  {
    echo "peers: the same body ($per_request events of ~$mean_bytes B, NDJSON), $connections connections, ${peers_seconds}s; round 1's hub is phase 1"
    printf '%s\n' "${rows[@]}"
    for kind in "${kinds[@]}"; do
      local version=$rsyslog_version
      [[ $kind == syslog-ng ]] && version=$syslog_ng_version
      # shellcheck disable=SC2086 # the ratios are words
      printf '  %-48s %s\n' "ratio hub / $kind $version" "$(median ${ratios[$kind]})×$( ((rounds > 1)) && echo " (median of $rounds rounds)")"
    done
    printf '  %-48s %s\n' "sender's own ceiling (discard server)" "${s[events_per_s]:-?} events/s (${s[mib_per_s]:-?} MiB/s)"
    echo "  rsyslog: imtcp → mmjsonparse → omfile, \`\$!all-json\` per line, default queues, no fsync and no answer;"
    if [[ ${BENCH_SYSLOG_NG:-0} == 1 ]]; then
      echo "  syslog-ng: network(tcp, no-parse) → json-parser → file(format-json), flow control, no fsync and no answer;"
    fi
    echo "  the hub fsyncs before every 202 answer. The peers run as children of the script (var/bench/peers/*.conf)."
    local f
    for f in "${peers_failures[@]}"; do echo "  FAILED: $f"; done
  } >"$bench_dir/peers.txt"
}
