# shellcheck shell=bash
# Helpers shared by the project's scripts. Sourced, never run on its own.
# Everything here writes only under the project's var/ (gitignored) and .venv/.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VAR="$ROOT/var"
VENV="$ROOT/.venv"
SCRIPT_NAME="${SCRIPT_NAME:-${0##*/}}"
SCRIPT_PATH="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"   # before any cd, for usage

die() { printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }
warn() { printf '%s: warning: %s\n' "$SCRIPT_NAME" "$*" >&2; }
say() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }

# run_logged LOG CMD...: runs CMD with its output in LOG; on failure shows the end of LOG.
# Keeps the scripts quiet on success and still clear on failure.
run_logged() {
  local log=$1; shift
  mkdir -p "$(dirname "$log")"
  local rc=0
  "$@" >"$log" 2>&1 || rc=$?
  if ((rc != 0)); then
    printf '%s: error: command failed (exit %s): %s\n' "$SCRIPT_NAME" "$rc" "$*" >&2
    printf '%s: last lines of %s:\n' "$SCRIPT_NAME" "$log" >&2
    tail -n 40 "$log" | sed 's/^/    /' >&2
    return "$rc"
  fi
}

# port_in_use PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# port_bindable PORT PROTO...: 127.0.0.1:PORT can be bound now for each PROTO (tcp, udp), as a listener's
# own bind will try it. A TCP connect (port_in_use) cannot see a UDP socket, nor a TCP one bound but not
# listening. TCP binds with SO_REUSEADDR as servers do (a connection in TIME_WAIT does not block them).
port_bindable() {
  python3 - "$@" 2>/dev/null <<'PY'
import socket, sys
port = int(sys.argv[1])
for proto in sys.argv[2:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    if proto == "tcp":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        sys.exit(1)
    finally:
        s.close()
PY
}

# port_free PORT [udp]: nothing accepts TCP on 127.0.0.1:PORT; with udp, the port can also be bound for
# TCP and UDP (GELF and syslog listeners bind UDP on it, or both on one port).
port_free() {
  ! port_in_use "$1" || return 1
  [[ ${2:-} != udp ]] || port_bindable "$1" tcp udp
}

# pick_port DEFAULT [VARNAME] [udp]: the port in $VARNAME when the user set one (it must be free); otherwise
# the first free port from DEFAULT upwards, so that a busy default never makes a run fail. With udp the
# port must be free for UDP as well (port_free).
pick_port() {
  local default=$1 var=${2:-} proto=${3:-} explicit='' p
  [[ -n $var ]] && explicit=${!var:-}
  if [[ -n $explicit ]]; then
    [[ $explicit =~ ^[0-9]+$ ]] || die "$var='$explicit' is not a port number"
    port_free "$explicit" "$proto" || die "port $explicit on 127.0.0.1 ($var) is already in use; set $var to a free port or unset it"
    echo "$explicit"; return
  fi
  for ((p = default; p < default + 50; p++)); do
    port_free "$p" "$proto" && { echo "$p"; return; }
  done
  die "no free port in $default-$((default + 49)) on 127.0.0.1${proto:+ (TCP and UDP)}"
}

# pid_matches PID WORD: PID is alive and its command line contains WORD (guards against a recycled PID).
pid_matches() {
  local pid=$1 word=$2
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$word"
}

# pidfile_pid FILE WORD: prints the PID recorded in FILE when that process is still ours.
pidfile_pid() {
  local file=$1 word=$2 pid
  [[ -f $file ]] || return 1
  pid=$(head -n1 "$file" 2>/dev/null || true)
  pid_matches "$pid" "$word" || return 1
  echo "$pid"
}

# stop_pid PID NAME [SECONDS]: SIGTERM, then SIGKILL after SECONDS (default 15). Only this PID.
stop_pid() {
  local pid=$1 name=$2 secs=${3:-15} i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  warn "$name (pid $pid) did not stop in ${secs}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

# stop_hub: stops the hub a benchmark started ($HUB_PID). Matched on "$BIN serve", not "admin serve":
# with ADMIN_BIN=/tmp/admin-new the command line is "/tmp/admin-new serve", and a hub left running
# kept phase 2's hub from binding its port.
stop_hub() {
  if [[ -n ${HUB_PID:-} ]] && pid_matches "$HUB_PID" "${BIN:-admin} serve"; then stop_pid "$HUB_PID" "admin serve" 30; fi
  HUB_PID=''
}

# wait_for SECONDS CMD...: retries CMD every 0.2 s until it succeeds or time runs out.
wait_for() {
  local secs=$1; shift
  local deadline=$((SECONDS + secs))
  while ((SECONDS < deadline)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

# tail_log FILE: the end of a log, indented, for failure messages.
tail_log() {
  [[ -f $1 ]] || return 0
  printf '%s: last lines of %s:\n' "$SCRIPT_NAME" "$1" >&2
  tail -n 30 "$1" | sed 's/^/    /' >&2
}

# as_root CMD...: runs CMD as root (directly, or through sudo when the script is not root).
as_root() {
  if ((EUID == 0)); then "$@"
  elif command -v sudo >/dev/null; then sudo -n "$@"
  else die "this step needs root: $*"
  fi
}

# build_admin: sets BIN to a release build of `admin` (built now), or to $ADMIN_BIN when that is set.
build_admin() {
  if [[ -n ${ADMIN_BIN:-} ]]; then
    [[ -x $ADMIN_BIN ]] || die "ADMIN_BIN=$ADMIN_BIN is not an executable"
    BIN=$ADMIN_BIN; return
  fi
  local log=$VAR/log/build-release.log
  say "building admin (release; the first build takes several minutes; log: ${log#"$ROOT"/})"
  mkdir -p "$VAR/log"
  if ! swift build --package-path "$ROOT" -c release --product admin >"$log" 2>&1; then
    grep -E '(error|fatal error):' "$log" | sort -u | head -n 60 >&2 || true
    tail_log "$log"
    die "the build failed"
  fi
  BIN="$(swift build --package-path "$ROOT" -c release --show-bin-path)/admin"
  [[ -x $BIN ]] || die "the build did not produce $BIN"
}

# usage: prints the calling script's header comment (its help text).
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$SCRIPT_PATH"; }
